# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestLedger(RetailLoyaltyCase):
    def test_earning_is_a_lot_with_its_own_expiry(self):
        with freeze_time("2026-03-01 04:00:00"):
            self.pay([(self.latte, 2), (self.croissant, 1)])  # 305 TWD
        lot = self.rows(kind="earn")
        self.assertEqual(len(lot), 1)
        self.assertAlmostEqual(lot.issued, 30.5, msg="10 points per 100 TWD")
        self.assertAlmostEqual(lot.points_remaining, 30.5)
        self.assertEqual(lot.expiration_date, date(2026, 5, 30), "valid 90 days")
        self.assertAlmostEqual(self.card.points, 30.5)
        self.assertLedgerConsistent(self.card)

    def test_spending_consumes_the_earliest_expiry_first(self):
        with freeze_time("2026-01-10 04:00:00"):
            self.pay([(self.beans, 1)])  # 45 points, expire 2026-04-10
        with freeze_time("2026-02-10 04:00:00"):
            self.pay([(self.beans, 2)])  # 90 points, expire 2026-05-11
        with freeze_time("2026-03-01 04:00:00"):
            order = self.pay([(self.beans, 1)], spend=60)
        first, second, third = self.rows(kind="earn")
        self.assertEqual(first.points_remaining, 0.0, "the oldest lot is used first")
        self.assertAlmostEqual(second.points_remaining, 75.0)
        self.assertAlmostEqual(third.points_remaining, 45.0, msg="the order's own lot is untouched")
        spend = self.rows(kind="spend")
        self.assertEqual(spend.order_id, order.id)
        self.assertEqual(
            [(u.lot_id, u.points) for u in spend.usage_ids], [(first, 45.0), (second, 15.0)]
        )
        self.assertAlmostEqual(self.card.points, 45 + 90 + 45 - 60)
        self.assertLedgerConsistent(self.card)

    def test_expiry_cron_expires_what_is_left_and_is_safe_to_rerun(self):
        with freeze_time("2026-01-10 04:00:00"):
            self.pay([(self.beans, 2)])  # 90 points, last valid day 2026-04-10
        with freeze_time("2026-03-20 04:00:00"):
            self.pay([(self.latte, 1)], spend=30)  # earns 12, spends 30 from the first lot
        other = self._make_member("陳家豪", "0912 000 222")
        with freeze_time("2026-01-08 04:00:00"):
            self.pay([(self.latte, 1)], partner=other, card=other.member_card_id)  # to 04-08
        Card = self.env["loyalty.card"]
        with freeze_time("2026-04-08 10:00:00"):
            self.assertEqual(Card._expire_points_chunk(100), (0, 0), "due after the last day")
        with freeze_time("2026-04-11 04:00:00"):
            done, more = Card._expire_points_chunk(1)  # one card per chunk
            self.assertEqual((done, more), (1, 1))
            done, more = Card._expire_points_chunk(1)
            self.assertEqual((done, more), (1, 0))
            self.assertEqual(Card._expire_points_chunk(100), (0, 0), "rerun: nothing twice")
        expiry = self.rows(kind="expire")
        self.assertEqual(len(expiry), 1)
        self.assertAlmostEqual(expiry.used, 60.0, msg="what was left of the lot")
        self.assertAlmostEqual(self.card.points, 12.0)
        self.assertEqual(other.member_card_id.points, 0.0)
        self.assertLedgerConsistent(self.card | other.member_card_id)

    def test_expiry_notice_and_next_date(self):
        with freeze_time("2026-01-10 04:00:00"):
            self.pay([(self.beans, 1)])  # expires 2026-04-10
        with freeze_time("2026-03-01 04:00:00"):
            self.pay([(self.beans, 1)])  # expires 2026-05-30
        with freeze_time("2026-03-15 04:00:00"):
            self.card.invalidate_recordset()
            self.assertAlmostEqual(self.card.points_expiring, 45.0, msg="within 30 days")
            self.assertEqual(self.card.next_expiry_date, date(2026, 4, 10))
            self.assertEqual(self.member.member_next_expiry_date, date(2026, 4, 10))
            expiring = self.env["res.partner"].search(
                self.env["res.partner"]._member_expiring_domain(30)
            )
            self.assertIn(self.member, expiring)

    def test_month_end_and_inactivity_policies(self):
        self.program.points_expiry_policy = "month_end"
        self.assertEqual(self.program._lot_expiration_date(date(2026, 1, 10)), date(2026, 4, 30))
        self.program.points_expiry_policy = "inactivity"
        with freeze_time("2026-01-10 04:00:00"):
            self.pay([(self.beans, 1)])
        with freeze_time("2026-03-01 04:00:00"):
            self.pay([(self.latte, 1)])
        lots = self.rows(kind="earn")
        self.assertEqual(
            set(lots.mapped("expiration_date")),
            {date(2026, 5, 30)},
            "a purchase keeps every open lot alive",
        )
        self.program.points_validity_days = 0
        self.assertIsNone(self.program._lot_expiration_date(date(2026, 1, 10)), "0: never")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                self.program.points_validity_days = -1
                self.program.flush_recordset()

    def test_manual_adjustment_needs_a_manager_and_a_reason(self):
        self.pay([(self.beans, 1)])
        Wizard = self.env["loyalty.card.update.balance"]
        wizard = Wizard.with_user(self.manager).create(
            {"card_id": self.card.id, "new_balance": 100, "description": "生日禮 birthday gift"}
        )
        wizard.action_update_card_point()
        adjust = self.rows(kind="adjust")
        self.assertAlmostEqual(adjust.issued, 55.0)
        self.assertEqual(adjust.description, "生日禮 birthday gift")
        self.assertEqual(adjust.create_uid, self.manager)
        self.assertAlmostEqual(self.card.points, 100.0)
        wizard = Wizard.with_user(self.manager).create(
            {"card_id": self.card.id, "new_balance": 70, "description": "  "}
        )
        with self.assertRaises(ValidationError):
            wizard.action_update_card_point()
        wizard = Wizard.with_user(self.cashier).create(
            {"card_id": self.card.id, "new_balance": 500, "description": "friend"}
        )
        with self.assertRaises(AccessError):
            wizard.action_update_card_point()
        with self.assertRaises(AccessError):
            self.card.with_user(self.cashier).write({"points": 500})
        self.assertAlmostEqual(self.card.points, 100.0)
        self.assertLedgerConsistent(self.card)

    def test_history_is_append_only(self):
        self.pay([(self.beans, 1)])
        lot = self.rows(kind="earn")
        with self.assertRaises(UserError):
            lot.write({"issued": 1000})
        with self.assertRaises(UserError):
            lot.unlink()
        self.assertAlmostEqual(lot.issued, 45.0)

    def test_any_other_balance_change_is_recorded(self):
        """An import or another module writing points directly still leaves rows."""
        self.card.sudo().points = 12
        self.assertEqual(self.rows(kind="adjust").issued, 12)
        self.card.sudo().points = 5
        self.assertEqual(self.rows(kind="adjust")[-1].used, 7)
        self.assertLedgerConsistent(self.card)

    def test_cron_record_exists_and_runs(self):
        cron = self.env.ref("crm_retail_loyalty.ir_cron_expire_points")
        self.assertTrue(cron.active)
        with freeze_time("2026-01-10 04:00:00"):
            self.pay([(self.beans, 1)])
        with freeze_time("2026-06-01 04:00:00"):
            cron.method_direct_trigger()
        self.assertEqual(self.card.points, 0.0)
        self.assertEqual(len(self.rows(kind="expire")), 1)
