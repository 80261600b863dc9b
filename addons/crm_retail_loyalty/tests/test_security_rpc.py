# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The ledger over real JSON-RPC: a logged-in cashier's session posting to
``/web/dataset/call_kw`` with every context key the addons ever read set to
true cannot move a member's points, write ledger rows or use cards of another
company or programme. A manager corrects points through Update Balance, with
a reason, without being a POS administrator."""

import uuid

from odoo import fields
from odoo.tests import HttpCase, JsonRpcException, new_test_user, tagged
from odoo.tools import mute_logger

from ..tools import store_data

# every context key the addons read, now or before the ledger stopped
# trusting the context: none of them may open a door
CONTEXT_KEYS = {
    "crm_ledger_internal": True,
    "crm_ledger_external_points": True,
    "crm_ledger_skip_cards": True,
    "crm_ledger_keep_rows": True,
    "crm_consent_source": True,
    "crm_retail_internal": True,
}


@tagged("post_install", "-at_install")
class TestLedgerOverRpc(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store = store_data.setup_store(cls.env)
        cls.company = store["company"]
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id], tz="Asia/Taipei")
        )
        cls.program = cls.company.member_program_id
        cls.program.points_validity_days = 90
        cls.config = cls.env["pos.config"].browse(store["configs"][0]["id"])
        cls.pos_session = cls.config.current_session_id or cls.env["pos.session"].create(
            {"config_id": cls.config.id, "user_id": cls.env.uid}
        )
        cls.product = cls.env["product.product"].browse(store["products"][0]["id"])
        cls.cashier = new_test_user(
            cls.env,
            "rpc_cashier",
            groups="crm_retail_loyalty.crm_retail_loyalty_group_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            "rpc_manager",
            groups="crm_retail_loyalty.crm_retail_loyalty_group_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.clerk = new_test_user(
            cls.env,
            "rpc_clerk",
            groups="base.group_user,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.member = cls.env["res.partner"].create(
            {"name": "陳志明", "mobile": "0912 345 678", "company_id": cls.company.id}
        )
        cls.member.action_member_enroll()
        cls.card = cls.member.member_card_id
        cls.card._ledger_earn(120, "Onsite earlier order")
        cls.lot = cls.card.lot_ids
        # another company with its own member and card
        cls.other_company = cls.env["res.company"].create(
            {"name": "別家咖啡", "country_id": cls.env.ref("base.tw").id}
        )
        other = (
            cls.env["res.partner"]
            .with_company(cls.other_company)
            .create(
                {"name": "王小明", "mobile": "0933 111 222", "company_id": cls.other_company.id}
            )
        )
        other.with_company(cls.other_company).action_member_enroll()
        cls.other_card = other.member_card_id
        cls.other_card.sudo()._ledger_earn(50, "Onsite other shop")
        # a coupon programme this till does not run
        cls.foreign_program = cls.env["loyalty.program"].create(
            {
                "name": "Online only coupons",
                "program_type": "coupons",
                "pos_ok": False,
                "company_id": cls.company.id,
            }
        )
        cls.foreign_coupon = cls.env["loyalty.card"].create(
            {"program_id": cls.foreign_program.id, "points": 1}
        )

    # ------------------------------------------------------------------
    def call(self, model, method, *args, **kwargs):
        context = dict(CONTEXT_KEYS, allowed_company_ids=[self.company.id])
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": dict(kwargs, context=context),
            },
        )

    def refused(self, exception, model, method, *args, **kwargs):
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self.call(model, method, *args, **kwargs)
        self.assertIn(exception, str(caught.exception))
        return caught.exception

    def ledger(self, card=None):
        card = card or self.card
        self.env.invalidate_all()
        rows = self.env["loyalty.history"].search([("card_id", "=", card.id)], order="id")
        return (
            card.points,
            [(r.id, r.issued, r.used, r.is_lot, r.points_remaining) for r in rows],
        )

    def sync_order(self, partner=None):
        """A paid order, synchronised by the cashier as the terminal does."""
        price = self.product.lst_price
        order_uuid = str(uuid.uuid4())
        vals = {
            "uuid": order_uuid,
            "name": f"Order {order_uuid}",
            "session_id": self.pos_session.id,
            "pricelist_id": self.config.pricelist_id.id,
            "partner_id": partner and partner.id,
            "user_id": self.cashier.id,
            "sequence_number": 1,
            "date_order": fields.Datetime.to_string(fields.Datetime.now()),
            "amount_paid": price,
            "amount_total": price,
            "amount_tax": 0,
            "amount_return": 0,
            "lines": [
                (
                    0,
                    0,
                    {
                        "product_id": self.product.id,
                        "qty": 1,
                        "price_unit": price,
                        "price_subtotal": price,
                        "price_subtotal_incl": price,
                        "discount": 0,
                        "tax_ids": [(6, 0, [])],
                        "full_product_name": self.product.display_name,
                    },
                )
            ],
            "payment_ids": [
                (
                    0,
                    0,
                    {
                        "amount": price,
                        "name": fields.Datetime.to_string(fields.Datetime.now()),
                        "payment_method_id": self.config.payment_method_ids.filtered(
                            "is_cash_count"
                        )[:1].id,
                    },
                )
            ],
            "last_order_preparation_change": "{}",
            "to_invoice": False,
            "state": "paid",
        }
        result = self.call("pos.order", "sync_from_ui", [vals])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    # ------------------------------------------------------------------
    def test_cashier_cannot_touch_the_ledger(self):
        self.authenticate("rpc_cashier", "rpc_cashier")
        before = self.ledger()
        self.assertEqual(before[0], 120)
        # the balance itself
        self.refused("AccessError", "loyalty.card", "write", [self.card.id], {"points": 9999})
        # a row the ledger would count as an open lot
        self.refused(
            "AccessError",
            "loyalty.history",
            "create",
            {
                "card_id": self.card.id,
                "description": "gift",
                "issued": 500,
                "ledger_kind": "earn",
                "is_lot": True,
                "points_remaining": 500,
            },
        )
        # a plain history row on a member card
        self.refused(
            "AccessError",
            "loyalty.history",
            "create",
            {"card_id": self.card.id, "description": "gift", "issued": 500},
        )
        # changing or deleting a lot
        self.refused(
            "AccessError", "loyalty.history", "write", [self.lot.id], {"points_remaining": 999}
        )
        self.refused("AccessError", "loyalty.history", "unlink", [self.lot.id])
        # a new card opened with points
        self.refused(
            "AccessError",
            "loyalty.card",
            "create",
            {"program_id": self.program.id, "partner_id": self.cashier.partner_id.id, "points": 80},
        )
        # deleting the card
        self.refused("AccessError", "loyalty.card", "unlink", [self.card.id])
        # Update Balance (Odoo lets POS users open the wizard; applying it is refused)
        wizard = self.call(
            "loyalty.card.update.balance",
            "create",
            {"card_id": self.card.id, "new_balance": 5000, "description": "please"},
        )
        self.refused(
            "AccessError", "loyalty.card.update.balance", "action_update_card_point", [wizard]
        )
        self.assertEqual(self.ledger(), before)

    def test_cashier_terminal_calls_use_only_this_tills_cards(self):
        self.authenticate("rpc_cashier", "rpc_cashier")
        before, other_before = self.ledger(), self.ledger(self.other_card)
        # another company's card cannot be validated, held or credited
        self.refused(
            "AccessError",
            "pos.order",
            "validate_coupon_programs",
            [],
            {str(self.other_card.id): -10},
            [],
        )
        self.refused(
            "AccessError",
            "pos.order",
            "validate_coupon_programs",
            [],
            {str(self.foreign_coupon.id): -1},
            [],
        )
        self.assertFalse(self.env["crm.retail.point.hold"].search([]))
        # an order without a customer: the terminal claims 1000 points on the
        # member's card; the server's figure (nothing) stands
        order = self.sync_order()
        self.assertIn(order.state, ("paid", "done"))
        result = self.call(
            "pos.order",
            "confirm_coupon_programs",
            [order.id],
            {
                str(self.card.id): {
                    "points": 1000,
                    "program_id": self.program.id,
                    "coupon_id": self.card.id,
                    "barcode": False,
                    "partner_id": self.member.id,
                }
            },
        )
        self.assertEqual(result["coupon_updates"][0]["points"], 120)
        self.call(
            "pos.order",
            "add_loyalty_history_lines",
            [order.id],
            [{"card_id": self.card.id, "won": 1000, "spent": 0}],
            [{"id": self.card.id, "old_id": self.card.id}],
        )
        # a new card on the member programme, claimed with points
        self.call(
            "pos.order",
            "confirm_coupon_programs",
            [order.id],
            {
                "-1": {
                    "points": 700,
                    "program_id": self.program.id,
                    "coupon_id": -1,
                    "barcode": False,
                    "partner_id": self.cashier.partner_id.id,
                }
            },
        )
        new_card = self.env["loyalty.card"].search(
            [("partner_id", "=", self.cashier.partner_id.id), ("program_id", "=", self.program.id)]
        )
        self.assertEqual(new_card.points, 0)
        # another company's card or a programme this till does not run
        for card in (self.other_card, self.foreign_coupon):
            self.refused(
                "AccessError",
                "pos.order",
                "confirm_coupon_programs",
                [order.id],
                {
                    str(card.id): {
                        "points": 1000,
                        "program_id": card.program_id.id,
                        "coupon_id": card.id,
                        "barcode": False,
                    }
                },
            )
        self.assertEqual(self.ledger(), before)
        self.assertEqual(self.ledger(self.other_card), other_before)
        self.assertEqual(self.foreign_coupon.points, 1)

    def test_enrolment_and_bulk_buttons_need_their_groups(self):
        shared = self.env["res.partner"].create(
            {"name": "共用聯絡人", "mobile": "0955 123 456", "company_id": False}
        )
        rule = self.env["crm.retail.tag.rule"].create(
            {
                "name": "Big spenders",
                "company_id": self.company.id,
                "tag_id": self.env["res.partner.category"].create({"name": "大戶"}).id,
                "kind": "domain",
                "domain": f"[('id', '=', {self.member.id})]",
                "active": True,
            }
        )
        # a clerk without the cashier group enrols nobody
        self.authenticate("rpc_clerk", "rpc_clerk")
        self.refused("AccessError", "res.partner", "action_member_enroll", [shared.id])
        self.env.invalidate_all()
        self.assertFalse(shared.is_member)
        # the cashier enrols; a shared contact stays shared
        self.authenticate("rpc_cashier", "rpc_cashier")
        self.call("res.partner", "action_member_enroll", [shared.id])
        self.env.invalidate_all()
        self.assertTrue(shared.is_member)
        self.assertEqual(shared.member_company_id, self.company)
        self.assertFalse(shared.company_id)
        # a company is never a member
        self.refused(
            "ValidationError", "res.partner", "action_member_enroll", [self.company.partner_id.id]
        )
        # applying a tag rule by hand is the manager's
        self.refused("AccessError", "crm.retail.tag.rule", "action_apply", [rule.id])
        self.assertFalse(rule.history_ids)
        self.authenticate("rpc_manager", "rpc_manager")
        self.call("crm.retail.tag.rule", "action_apply", [rule.id])
        self.env.invalidate_all()
        self.assertTrue(rule.history_ids)

    def test_manager_adjusts_with_a_reason_without_pos_admin_rights(self):
        self.assertFalse(self.manager.has_group("point_of_sale.group_pos_manager"))
        self.authenticate("rpc_manager", "rpc_manager")
        before = self.ledger()
        # not by writing the balance, whatever the context says
        self.refused("UserError", "loyalty.card", "write", [self.card.id], {"points": 500})
        self.refused(
            "UserError", "loyalty.history", "write", [self.lot.id], {"points_remaining": 1}
        )
        self.assertEqual(self.ledger(), before)
        # without a reason: refused, nothing written
        wizard = self.call(
            "loyalty.card.update.balance",
            "create",
            {"card_id": self.card.id, "new_balance": 150, "description": "   "},
        )
        self.refused(
            "ValidationError", "loyalty.card.update.balance", "action_update_card_point", [wizard]
        )
        self.assertEqual(self.ledger(), before)
        wizard = self.call(
            "loyalty.card.update.balance",
            "create",
            {"card_id": self.card.id, "new_balance": 150, "description": "補登 3/1 的消費"},
        )
        self.call("loyalty.card.update.balance", "action_update_card_point", [wizard])
        points, rows = self.ledger()
        self.assertEqual(points, 150)
        self.assertEqual(rows[: len(before[1])], before[1], "earlier rows are never changed")
        adjustment = self.env["loyalty.history"].browse(rows[-1][0])
        self.assertEqual(adjustment.ledger_kind, "adjust")
        self.assertEqual(adjustment.description, "補登 3/1 的消費")
        self.assertEqual(adjustment.issued, 30)
