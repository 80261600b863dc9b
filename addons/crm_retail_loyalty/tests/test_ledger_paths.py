# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Nothing lost: exchanges, failures at payment, the nightly check, other
programmes left as Odoo runs them, one tier rule for the till and online."""

from datetime import timedelta

import psycopg2

from odoo import fields, sql_db
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestLedgerPaths(RetailLoyaltyCase):
    # ------------------------------------------------------------------
    # exchanges
    # ------------------------------------------------------------------
    def test_exchange_posts_the_refund_and_the_new_items(self):
        order = self.pay([(self.latte, 2)])  # 240 TWD -> 24 points
        self.assertAlmostEqual(self.card.points, 24.0)
        latte_line = order.lines
        # one order: a latte back, a bag of beans sold, 10 points spent on it
        exchange = self.sync(
            [(self.latte, -1, latte_line), (self.beans, 1)], partner=self.member, spend=10
        )
        rows = self.rows().filtered(lambda r: r.order_id == exchange.id)
        self.assertEqual(sorted(rows.mapped("ledger_kind")), ["claw_back", "earn", "spend"], rows)
        self.assertAlmostEqual(rows.filtered(lambda r: r.ledger_kind == "claw_back").used, 12.0)
        self.assertAlmostEqual(rows.filtered(lambda r: r.ledger_kind == "spend").used, 10.0)
        # the beans earn 45 (as Odoo counts it, the programme's own points
        # discount is not deducted from what earns)
        self.assertAlmostEqual(rows.filtered(lambda r: r.ledger_kind == "earn").issued, 45.0)
        self.assertAlmostEqual(self.card.points, 24.0 - 12.0 - 10.0 + 45.0)
        self.assertLedgerConsistent(self.card)

    # ------------------------------------------------------------------
    # failures at payment
    # ------------------------------------------------------------------
    def test_a_database_error_at_payment_propagates_and_nothing_is_half_written(self):
        # another till holds the table the payment must write (a real lock in
        # PostgreSQL, from a second connection); this one gives up after 200 ms
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("LOCK TABLE crm_retail_point_hold IN ACCESS EXCLUSIVE MODE")
            self.env.cr.execute("SET LOCAL lock_timeout = '200ms'")
            self.pay([(self.latte, 1)])  # earns 12
            before = self.card.points
            orders = self.env["pos.order"].search_count([])
            with (
                mute_logger("odoo.sql_db", "odoo.addons.point_of_sale.models.pos_order"),
                self.assertRaises(psycopg2.errors.LockNotAvailable),
            ):
                self.sync([(self.beans, 1)], partner=self.member, spend=5)
        finally:
            other.rollback()
            other.close()
            self.env.cr.execute("SET LOCAL lock_timeout = 0")
        # the terminal sends the order again: nothing of the failed sync remains
        self.env.invalidate_all()
        self.assertEqual(self.env["pos.order"].search_count([]), orders)
        self.assertAlmostEqual(self.card.points, before)
        self.assertFalse(self.env["pos.order"].search([("crm_points_pending", "=", True)]))

    def test_any_other_failure_leaves_the_order_pending_and_the_cron_posts_it(self):
        rule = self.program.rule_ids[:1]
        good_domain = rule.product_domain
        # a broken product filter on the programme: every posting fails
        self.env.cr.execute(
            SQL(
                "UPDATE loyalty_rule SET product_domain = %s WHERE id = %s",
                "[('no_such_field', '=', 1)]",
                rule.id,
            )
        )
        rule.invalidate_recordset()
        with mute_logger("odoo.addons.crm_retail_loyalty.models.pos_order"):
            order = self.pay([(self.latte, 1)], confirm=False)
        self.assertIn(order.state, ("paid", "done"), "the order is paid and kept")
        self.assertTrue(order.crm_points_pending)
        self.assertIn("no_such_field", order.crm_points_error)
        self.assertAlmostEqual(self.card.points, 0.0)
        # the nightly check lists it for the manager (other orders of the
        # broken programme fail too, and are logged as errors)
        with mute_logger("odoo.addons.crm_retail_loyalty.models.loyalty_card"):
            self.env["loyalty.card"]._cron_ledger_check()
        activity = self.member.activity_ids.filtered(lambda a: order.name in (a.note or ""))
        self.assertTrue(activity, "the loyalty manager is told")
        self.assertTrue(
            activity.user_id.has_group("crm_retail_loyalty.crm_retail_loyalty_group_manager")
        )
        # once the programme is fixed the cron posts it, once
        rule.product_domain = good_domain or "[]"
        with mute_logger("odoo.addons.crm_retail_loyalty.models.pos_order"):
            self.env["pos.order"]._cron_post_pending_points()
            self.env["pos.order"]._cron_post_pending_points()
        self.assertFalse(order.crm_points_pending)
        self.assertFalse(order.crm_points_error)
        self.assertAlmostEqual(self.card.points, 12.0)
        self.assertEqual(len(self.rows(kind="earn")), 1)
        self.assertLedgerConsistent(self.card)

    def test_nightly_check_reposts_lost_postings_and_repairs_balances(self):
        order = self.pay([(self.latte, 1)])  # 12 points
        # a posting lost outside our code (rows deleted in the database)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "DELETE FROM loyalty_history WHERE order_model = 'pos.order' AND order_id = %s",
                order.id,
            )
        )
        self.env.cr.execute(SQL("UPDATE loyalty_card SET points = 0 WHERE id = %s", self.card.id))
        other = self._make_member("張雅婷", "0912 000 222")
        other.member_card_id._ledger_earn(40, "Onsite earlier")
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE loyalty_card SET points = 400 WHERE id = %s", other.member_card_id.id)
        )
        self.env.invalidate_all()
        findings = self.env["loyalty.card"]._cron_ledger_check()
        self.assertAlmostEqual(self.card.points, 12.0, msg="the lost order is posted again")
        self.assertAlmostEqual(other.member_card_id.points, 40.0, msg="the lots are the record")
        self.assertIn(self.member, findings)
        self.assertIn(other, findings)
        self.assertTrue(other.activity_ids.filtered(lambda a: "400" in (a.note or "")))
        self.assertLedgerConsistent()
        # a second run finds nothing more
        self.assertFalse(self.env["loyalty.card"]._cron_ledger_check())

    # ------------------------------------------------------------------
    # every other programme is Odoo's
    # ------------------------------------------------------------------
    def test_other_programmes_keep_odoos_points(self):
        Program = self.env["loyalty.program"]
        stamp = Program.create(
            {
                "name": "集點卡：咖啡第 10 杯免費",
                "program_type": "loyalty",
                "company_id": self.company.id,
                "pos_ok": True,
                "rule_ids": [(0, 0, {"reward_point_mode": "unit", "reward_point_amount": 1})],
                "reward_ids": [
                    (
                        0,
                        0,
                        {
                            "reward_type": "product",
                            "reward_product_id": self.latte.id,
                            "required_points": 10,
                        },
                    )
                ],
            }
        )
        self.assertFalse(stamp.uses_point_lots)
        self.assertTrue(self.program.uses_point_lots)
        gift = Program.create(
            {"name": "禮物卡", "program_type": "gift_card", "company_id": self.company.id}
        )
        wallet = Program.create(
            {"name": "儲值金", "program_type": "ewallet", "company_id": self.company.id}
        )
        Card = self.env["loyalty.card"]
        cards = Card.create(
            [
                {"program_id": stamp.id, "partner_id": self.member.id, "points": 3},
                {"program_id": gift.id, "points": 500},
                {"program_id": wallet.id, "partner_id": self.member.id, "points": 200},
            ]
        )
        self.assertEqual(cards.mapped("points"), [3, 500, 200], "created with their points")
        cards[0].points = 7  # as Odoo's own code moves a stamp card
        self.assertEqual(cards[0].points, 7)
        History = self.env["loyalty.history"]
        self.assertFalse(History.search([("card_id", "in", cards.ids)]), "no ledger rows")
        # at the till the stamp card earns the terminal's figure, the member
        # card the server's
        order = self.pay([(self.latte, 2)])
        stamp_card = cards[0]
        order.confirm_coupon_programs(
            {stamp_card.id: {"points": 2, "program_id": stamp.id, "coupon_id": stamp_card.id}}
        )
        self.assertEqual(stamp_card.points, 9)
        self.assertFalse(
            History.search([("card_id", "=", stamp_card.id), ("ledger_kind", "!=", False)])
        )
        self.assertAlmostEqual(self.card.points, 24.0)

    def test_member_programme_free_products_and_unit_rules_earn_as_odoo(self):
        # the member programme counts units; its free product earns nothing
        self.program.rule_ids.write({"reward_point_mode": "unit", "reward_point_amount": 1})
        free = self.env["loyalty.reward"].create(
            {
                "program_id": self.program.id,
                "reward_type": "product",
                "reward_product_id": self.croissant.id,
                "required_points": 5,
            }
        )
        self.card._ledger_earn(10, "Onsite earlier")
        order = self.sync([(self.latte, 2), (self.croissant, 1)], partner=self.member)
        self.assertAlmostEqual(order._loyalty_points_earned(self.program), 3.0)
        # the croissant free (a reward line of the programme, 5 points)
        vals = self.order_vals([(self.latte, 2), (self.croissant, 1)], partner=self.member)
        vals["lines"].append(
            (
                0,
                0,
                {
                    "product_id": free.discount_line_product_id.id,
                    "qty": 1,
                    "price_unit": -self.croissant.lst_price,
                    "price_subtotal": -self.croissant.lst_price,
                    "price_subtotal_incl": -self.croissant.lst_price,
                    "discount": 0,
                    "tax_ids": [(6, 0, [])],
                    "is_reward_line": True,
                    "reward_id": free.id,
                    "coupon_id": self.card.id,
                    "points_cost": 5,
                    "reward_identifier_code": "free1",
                    "full_product_name": "可頌 (免費)",
                },
            )
        )
        vals["amount_total"] = vals["amount_paid"] = 240.0
        vals["payment_ids"][0][2]["amount"] = 240.0
        result = self.env["pos.order"].sync_from_ui([vals])
        order = self.env["pos.order"].browse(result["pos.order"][0]["id"])
        self.assertAlmostEqual(
            order._loyalty_points_earned(self.program), 2.0, msg="the free croissant earns nothing"
        )
        earn = self.rows(kind="earn").filtered(lambda r: r.order_id == order.id)
        self.assertAlmostEqual(earn.issued, 2.0)
        spend = self.rows(kind="spend").filtered(lambda r: r.order_id == order.id)
        self.assertAlmostEqual(spend.used, 5.0)

    # ------------------------------------------------------------------
    # one tier rule for the till and online
    # ------------------------------------------------------------------
    def test_online_orders_earn_with_the_tier_multiplier_too(self):
        vip = self.env["crm.retail.tier"].create(
            {
                "name": "VIP",
                "company_id": self.company.id,
                "sequence": 20,
                "points_multiplier": 1.5,
            }
        )
        self.member.sudo().member_tier_id = vip
        till = self.pay([(self.beans, 1)])
        self.assertAlmostEqual(
            self.rows(kind="earn").filtered(lambda r: r.order_id == till.id).issued, 67.5
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.member.id,
                "company_id": self.company.id,
                "order_line": [(0, 0, {"product_id": self.beans.id, "product_uom_qty": 1})],
            }
        )
        order._update_programs_and_rewards()
        order.action_confirm()
        online = self.rows(kind="earn").filtered(lambda r: r.order_model == "sale.order")
        self.assertAlmostEqual(
            online.issued, 67.5, msg="450 TWD -> 45 points x 1.5, as at the till"
        )
        self.assertAlmostEqual(self.card.points, 135.0)
        self.assertLedgerConsistent(self.card)

    def test_expiry_figures_tell_the_next_expiry_and_the_window_apart(self):
        today = fields.Date.context_today(self.card)
        self.card._ledger_earn(16.5, "earlier", earned_on=today - timedelta(days=89))
        self.card._ledger_earn(55.5, "earlier", earned_on=today - timedelta(days=70))
        self.card._ledger_earn(30, "today")
        self.card.invalidate_recordset()
        self.assertEqual(self.card.next_expiry_date, today + timedelta(days=1))
        self.assertAlmostEqual(self.card.next_expiry_points, 16.5)
        self.assertAlmostEqual(self.card.points_expiring, 72.0, msg="within the 30-day notice")
        self.assertAlmostEqual(self.member.member_next_expiry_points, 16.5)

    def test_points_rounding_choices(self):
        lines = [(self.beans, 1), (self.latte, 2), (self.croissant, 1)]  # 755 TWD
        order = self.sync(lines, partner=self.member)
        self.assertAlmostEqual(order._loyalty_points_earned(self.program), 75.5, msg="none")
        self.program.points_rounding = "down"
        self.assertAlmostEqual(order._loyalty_points_earned(self.program), 75.0)
        self.program.write({"points_rounding": "unit", "points_rounding_unit": 100})
        self.assertAlmostEqual(
            order._loyalty_points_earned(self.program), 70.0, msg="10 points per full 100 TWD"
        )
        vip = self.env["crm.retail.tier"].create(
            {"name": "VIP", "company_id": self.company.id, "points_multiplier": 1.5}
        )
        self.member.sudo().member_tier_id = vip
        self.assertAlmostEqual(order._loyalty_points_earned(self.program), 105.0)
        paid = self.pay(lines)
        earned = self.rows(kind="earn").filtered(lambda r: r.order_id == paid.id)
        self.assertAlmostEqual(earned.issued, 105.0, msg="whole points on the card")
