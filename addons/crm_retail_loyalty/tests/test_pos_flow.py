# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.tests import tagged

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestPosFlow(RetailLoyaltyCase):
    def test_points_are_posted_at_payment_even_if_the_terminal_never_confirms(self):
        order = self.pay([(self.beans, 1)], confirm=False)
        self.assertAlmostEqual(self.card.points, 45.0)
        self.assertEqual(self.rows(kind="earn").order_id, order.id)

    def test_history_call_missing_or_repeated_changes_nothing(self):
        order = self.sync([(self.beans, 1)], partner=self.member)
        coupon_data = {
            self.card.id: {
                "points": 45.0,
                "program_id": self.program.id,
                "coupon_id": self.card.id,
                "partner_id": self.member.id,
            }
        }
        result = order.confirm_coupon_programs(coupon_data)
        self.assertEqual(result["coupon_updates"][0]["points"], 45.0)
        history = [{"card_id": self.card.id, "won": 45.0, "spent": 0}]
        order.add_loyalty_history_lines(history, result["coupon_updates"])
        order.add_loyalty_history_lines(history, result["coupon_updates"])
        order.confirm_coupon_programs(coupon_data)  # a repeated confirmation too
        self.assertEqual(len(self.rows()), 1, "one row: the lot, whatever the terminal sends")
        self.assertAlmostEqual(self.card.points, 45.0)
        self.assertLedgerConsistent(self.card)

    def test_same_order_synced_twice_earns_once(self):
        vals = self.order_vals([(self.beans, 1)], partner=self.member)
        self.env["pos.order"].sync_from_ui([vals])
        self.env["pos.order"].sync_from_ui([vals])
        self.assertEqual(self.env["pos.order"].search_count([("uuid", "=", vals["uuid"])]), 1)
        self.assertAlmostEqual(self.card.points, 45.0)

    def test_earn_and_spend_in_one_order(self):
        self.pay([(self.beans, 2)])  # 90
        # pays 410; like the terminal, points are earned before the points discount
        order = self.pay([(self.beans, 1)], spend=40)
        self.assertAlmostEqual(self.card.points, 90 - 40 + 45)
        rows = self.rows().filtered(lambda r: r.order_id == order.id)
        self.assertEqual(sorted(rows.mapped("ledger_kind")), ["earn", "spend"])
        self.assertLedgerConsistent(self.card)

    def test_a_paid_order_releases_only_its_own_hold(self):
        self.pay([(self.beans, 2)])  # 90 points
        Order = self.env["pos.order"]
        # terminal B holds 30 points for an order it has not paid yet
        self.assertTrue(Order.validate_coupon_programs({str(self.card.id): -30}, [])["successful"])
        # terminal A spends 30 and its confirmation arrives twice
        order = self.pay([(self.latte, 1)], spend=30)
        order.confirm_coupon_programs(
            {
                self.card.id: {
                    "points": -18.0,
                    "program_id": self.program.id,
                    "coupon_id": self.card.id,
                    "barcode": False,
                    "partner_id": self.member.id,
                }
            }
        )
        # 90 - 30 + 12 = 72 on the card, 30 of them still held for B
        self.assertAlmostEqual(self.card.points, 72.0)
        check = Order.validate_coupon_programs({str(self.card.id): -43}, [])
        self.assertFalse(check["successful"], "B's 30 points are still held: 42 are free")
        self.assertTrue(Order.validate_coupon_programs({str(self.card.id): -42}, [])["successful"])

    def test_server_figure_wins_and_the_discrepancy_is_logged(self):
        messages = len(self.card.message_ids)
        self.pay([(self.latte, 1)], client_points=500)  # a terminal claiming 500 points
        self.assertAlmostEqual(self.card.points, 12.0)
        self.assertGreater(len(self.card.message_ids), messages)
        self.assertIn("500", self.card.message_ids[0].body)

    def test_partial_refund_takes_back_the_refunded_share(self):
        order = self.pay([(self.beans, 2), (self.latte, 1)])  # 1020 TWD -> 102
        beans_line = order.lines.filtered(lambda l: l.product_id == self.beans)
        self.sync([(self.beans, -1, beans_line)], partner=self.member)
        claw = self.rows(kind="claw_back")
        self.assertAlmostEqual(claw.used, 45.0, msg="450 of 1020 TWD refunded")
        self.assertAlmostEqual(self.card.points, 57.0)
        self.assertAlmostEqual(self.rows(kind="earn").points_remaining, 57.0)
        self.assertLedgerConsistent(self.card)

    def test_refund_gives_back_spent_points_to_their_lots(self):
        with freeze_time("2026-01-10 04:00:00"):
            self.pay([(self.beans, 2)])  # 90, valid to 2026-04-10
        with freeze_time("2026-03-01 04:00:00"):
            self.pay([(self.beans, 2)])  # 90, valid to 2026-05-30
            order = self.pay([(self.latte, 1)], spend=100)  # 90 from lot 1, 10 from lot 2
        reward_line = order.lines.filtered("is_reward_line")
        latte_line = order.lines - reward_line
        with freeze_time("2026-04-20 04:00:00"):
            # everything refunded after the first lot's date: its 90 come back expired
            self.sync(
                [(self.latte, -1, latte_line), (reward_line.product_id, -1, reward_line)],
                partner=self.member,
            )
        give_back = self.rows(kind="give_back")
        self.assertAlmostEqual(give_back.issued, 100.0)
        lot1, lot2 = self.rows(kind="earn")[:2]
        self.assertEqual(lot1.points_remaining, 0.0, "given back and expired at once")
        self.assertAlmostEqual(lot2.points_remaining, 90.0)
        expired = self.rows(kind="expire")
        self.assertAlmostEqual(sum(expired.mapped("used")), 90.0)
        self.assertLedgerConsistent(self.card)

    def test_refund_never_takes_the_card_below_zero(self):
        order = self.pay([(self.beans, 2)])  # 90
        self.pay([(self.latte, 1)], spend=90)  # all spent, earns 0 (120 - 90 = 30 TWD -> 3)
        line = order.lines.filtered(lambda l: l.product_id == self.beans)
        self.sync([(self.beans, -2, line)], partner=self.member)
        self.assertGreaterEqual(self.card.points, 0.0)
        self.assertIn("short", self.rows(kind="claw_back").description)
        self.assertLedgerConsistent(self.card)

    def test_member_cards_are_not_loaded_at_start_up(self):
        other = self.env["loyalty.program"].create(
            {"name": "Coupons", "program_type": "coupons", "pos_ok": True}
        )
        data = {"loyalty.program": {"data": [{"id": self.program.id}, {"id": other.id}]}}
        domain = self.env["loyalty.card"]._load_pos_data_domain(data)
        cards = self.env["loyalty.card"].search(domain)
        self.assertNotIn(self.card, cards)
        fields = self.env["res.partner"]._load_pos_data_fields(self.config.id)
        for name in (
            "is_member",
            "member_points",
            "member_points_expiring",
            "member_next_expiry_date",
        ):
            self.assertIn(name, fields)

    def test_member_found_by_phone_in_any_format_or_card_code(self):
        Partner = self.env["res.partner"]
        for query in ("0912000111", "0912 000 111", "+886912000111", "912000"):
            self.assertIn(self.member, Partner.search([("member_search", "ilike", query)]), query)
        self.assertIn(self.member, Partner.search([("member_search", "ilike", self.card.code)]))
        regular = Partner.create({"name": "老主顧", "phone": "02-2345-6789"})
        found = Partner.search([("member_search", "ilike", "+886 2 2345 6789")])
        self.assertIn(regular, found, "written locally, typed internationally")
        self.assertNotIn(self.member, found)
        other = Partner.search([("member_search", "ilike", "0966 135 792")])
        self.assertFalse(other & (self.member | regular), "another number finds neither")

    def test_receipt_data(self):
        with freeze_time("2026-03-01 04:00:00"):
            order = self.pay([(self.beans, 1)])
            data = order._get_loyalty_receipt_data()
        self.assertEqual(len(data), 1)
        self.assertAlmostEqual(data[0]["earned"], 45.0)
        self.assertAlmostEqual(data[0]["balance"], 45.0)
        self.assertEqual(str(data[0]["next_expiry_date"]), "2026-05-30")
