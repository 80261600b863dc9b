# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import uuid as uuidlib

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

from ..tools import store_data


class RetailLoyaltyCase(TransactionCase):
    """A store of its own (company in TWD, POS configs, products), the seeds'
    member programme (10 points per 100 TWD, 1 point = 1 TWD, 90 days), a
    cashier, a manager and an enrolled member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store = store_data.setup_store(cls.env)
        cls.company = store["company"]
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id], tz="Asia/Taipei")
        )
        cls.env.user.company_id = cls.company
        cls.program = cls.company.member_program_id
        cls.program.write(
            {
                "points_validity_days": 90,
                "points_rounding": "none",
                "points_expiry_policy": "rolling",
                "points_expiry_notice_days": 30,
            }
        )
        cls.reward = cls.program.reward_ids[:1]
        # a ladder whose base tier changes nothing: tier tests set their own
        cls.env["crm.retail.tier"].search([("company_id", "=", cls.company.id)]).write(
            {"active": False}
        )
        cls.config = cls.env["pos.config"].browse(store["configs"][0]["id"])
        cls.config2 = cls.env["pos.config"].browse(store["configs"][1]["id"])
        products = {
            p["name"]: cls.env["product.product"].browse(p["id"]) for p in store["products"]
        }
        cls.latte = products["拿鐵"]  # 120 TWD
        cls.croissant = products["可頌"]  # 65 TWD
        cls.beans = products["晨光配方豆 半磅"]  # 450 TWD
        cls.session = cls._open_session(cls.config)
        cls.cash = cls.config.payment_method_ids.filtered("is_cash_count")[:1]
        cls.cashier = new_test_user(
            cls.env,
            "retail_cashier",
            groups="crm_retail_loyalty.crm_retail_loyalty_group_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            "retail_manager",
            groups="crm_retail_loyalty.crm_retail_loyalty_group_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.member = cls._make_member("林怡君", "0912 000 111")
        cls.card = cls.member.member_card_id

    @classmethod
    def _open_session(cls, config):
        session = config.current_session_id
        if not session:
            session = cls.env["pos.session"].create(
                {"config_id": config.id, "user_id": cls.env.uid}
            )
        return session

    @classmethod
    def _make_member(cls, name, mobile):
        """A customer of the store (as the till creates them), enrolled."""
        partner = cls.env["res.partner"].create(
            {"name": name, "mobile": mobile, "company_id": cls.company.id}
        )
        partner.action_member_enroll()
        return partner

    # ------------------------------------------------------------------
    def order_vals(
        self,
        lines,
        partner=None,
        refund_of=None,
        order_uuid=None,
        session=None,
        spend=0.0,
        card=None,
    ):
        """The dictionary the terminal sends to ``sync_from_ui``."""
        session = session or self.session
        order_lines = []
        for product, qty, *rest in lines:
            price = product.lst_price
            vals = {
                "product_id": product.id,
                "qty": qty,
                "price_unit": price,
                "price_subtotal": price * qty,
                "price_subtotal_incl": price * qty,
                "discount": 0,
                "tax_ids": [(6, 0, [])],
                "full_product_name": product.display_name,
            }
            if rest:
                vals["refunded_orderline_id"] = rest[0].id
            order_lines.append((0, 0, vals))
        if spend:
            card = card or self.card
            product = self.reward.discount_line_product_id
            order_lines.append(
                (
                    0,
                    0,
                    {
                        "product_id": product.id,
                        "qty": 1,
                        "price_unit": -spend,
                        "price_subtotal": -spend,
                        "price_subtotal_incl": -spend,
                        "discount": 0,
                        "tax_ids": [(6, 0, [])],
                        "is_reward_line": True,
                        "reward_id": self.reward.id,
                        "coupon_id": card.id,
                        "points_cost": spend,
                        "reward_identifier_code": uuidlib.uuid4().hex[:8],
                        "full_product_name": self.reward.description,
                    },
                )
            )
        total = sum(line[2]["price_subtotal_incl"] for line in order_lines)
        order_uuid = order_uuid or str(uuidlib.uuid4())
        return {
            "uuid": order_uuid,
            "name": f"Order {order_uuid}",
            "session_id": session.id,
            "pricelist_id": session.config_id.pricelist_id.id,
            "partner_id": partner and partner.id,
            "user_id": self.env.uid,
            "sequence_number": 1,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "amount_paid": total,
            "amount_total": total,
            "amount_tax": 0,
            "amount_return": 0,
            "lines": order_lines,
            "payment_ids": [
                (
                    0,
                    0,
                    {
                        "amount": total,
                        "name": fields.Datetime.now(),
                        "payment_method_id": (
                            session.config_id.payment_method_ids.filtered("is_cash_count")[:1]
                            or self.cash
                        ).id,
                    },
                )
            ],
            "last_order_preparation_change": "{}",
            "to_invoice": False,
            "state": "paid",
        }

    def sync(self, *args, **kwargs):
        vals = self.order_vals(*args, **kwargs)
        result = self.env["pos.order"].sync_from_ui([vals])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def pay(self, lines, partner=None, spend=0.0, confirm=True, client_points=None, **kwargs):
        """The terminal's whole sequence: validate, sync, confirm, history."""
        partner = partner if partner is not None else self.member
        card = kwargs.pop("card", None) or self.card
        if spend:
            check = self.env["pos.order"].validate_coupon_programs({str(card.id): -spend}, [])
            self.assertTrue(check["successful"], check)
        order = self.sync(lines, partner=partner, spend=spend, card=card, **kwargs)
        if confirm:
            earned = order._loyalty_points_earned(self.program) if client_points is None else None
            net = client_points if client_points is not None else earned - spend
            coupon_data = {
                card.id: {
                    "points": net,
                    "program_id": self.program.id,
                    "coupon_id": card.id,
                    "barcode": False,
                    "partner_id": partner.id,
                }
            }
            result = order.confirm_coupon_programs(coupon_data)
            order.add_loyalty_history_lines(
                [{"card_id": card.id, "won": max(net, 0), "spent": spend}],
                result["coupon_updates"],
            )
        return order

    def assertLedgerConsistent(self, cards=None):
        broken = self.env["loyalty.card"]._ledger_check_invariant(cards and cards.ids)
        self.assertFalse(broken, f"card points differ from their open lots: {broken}")

    def rows(self, card=None, kind=None):
        domain = [("card_id", "=", (card or self.card).id)]
        if kind:
            domain.append(("ledger_kind", "=", kind))
        return self.env["loyalty.history"].search(domain, order="id")
