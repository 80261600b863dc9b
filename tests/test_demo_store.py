# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo store a retailer sees after `docker compose up` or `./run serve`.

Runs under pytest-odoo on the database `./run test` installed with demo data.
"""

from datetime import date, timedelta

from odoo.tests.common import TransactionCase

from odoo.addons.crm_retail_loyalty.tools import store_data


class TestDemoStore(TransactionCase):
    # Odoo sets these on test classes of addons; this one lives outside them
    test_tags = {"standard", "at_install"}
    test_module = "crm_retail_tests"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("crm_retail_loyalty.company_morning_light_demo")
        cls.orders = cls.env["pos.order"].search([("company_id", "=", cls.company.id)])
        cls.customers = cls.env["res.partner"].search(
            [("company_id", "=", cls.company.id), ("mobile", "=like", "+886 9%")]
        )

    def test_chain_of_three_stores_in_twd(self):
        self.assertEqual(self.company.currency_id.name, "TWD")
        configs = self.env["pos.config"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(configs), 3)
        self.assertEqual(set(self.orders.mapped("config_id")), set(configs))
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.company_id, self.company, "the owner lands on the demo chain")

    def test_three_hundred_customers(self):
        self.assertEqual(len(self.customers), 300)
        self.assertTrue(all("\u4e00" <= c.name[0] <= "\u9fff" for c in self.customers))
        self.assertEqual(len({c.birthday.month for c in self.customers}), 12)

    def test_a_year_of_orders_up_to_today(self):
        days = [o.date_order.date() for o in self.orders]
        today = date.today()
        self.assertGreaterEqual(len(self.orders), 3000)
        self.assertLessEqual(max(days), today)
        self.assertGreaterEqual(max(days), today - timedelta(days=3))
        self.assertGreaterEqual(min(days), today - timedelta(days=367))
        last = {}
        for order in self.orders.filtered("partner_id"):
            last[order.partner_id] = max(
                last.get(order.partner_id, date.min), order.date_order.date()
            )
        lapsed = [p for p, day in last.items() if 60 <= (today - day).days <= 120]
        self.assertGreaterEqual(len(lapsed), 20, "customers who lapsed 60-120 days ago")

    def test_most_customers_are_members_with_points_that_expire(self):
        members = self.customers.filtered("is_member")
        self.assertTrue(150 <= len(members) <= 210, f"{len(members)} members of 300")
        self.assertTrue(all(m.member_card_id for m in members))
        first_order = {}
        for order in self.orders.filtered("partner_id").sorted("date_order"):
            first_order.setdefault(order.partner_id, order)
        for member in members:
            # joined at the store of the first purchase, on that day
            first = first_order[member]
            self.assertEqual(member.member_since, first.date_order.date())
            self.assertEqual(member.member_join_pos_config_id, first.config_id)
        self.assertTrue(all(members.filtered("consent_sms").mapped("consent_sms_date")))
        cards = members.member_card_id
        self.assertFalse(
            self.env["loyalty.card"]._ledger_check_invariant(cards.ids),
            "every balance is the sum of its open lots",
        )
        history = self.env["loyalty.history"].search([("card_id", "in", cards.ids)])
        self.assertEqual(set(history.mapped("ledger_kind")), {"earn", "expire"})
        today = date.today()
        self.assertFalse(
            history.filtered(
                lambda r: r.is_lot and r.points_remaining > 0 and r.expiration_date < today
            ),
            "nothing past its date is left open",
        )
        self.assertGreater(len(members.filtered(lambda m: m.member_points_expiring > 0)), 10)
        self.assertGreater(len(members.member_tier_id), 1, "members sit on several tiers")

    def test_screens_open(self):
        opened = store_data.smoke_check(self.env(context={"allowed_company_ids": self.company.ids}))
        self.assertGreater(opened["pos.order"], 0)
