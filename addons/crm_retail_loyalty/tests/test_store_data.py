# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import date, timedelta

from odoo.tests import TransactionCase, tagged

from ..tools import store_data


@tagged("post_install", "-at_install")
class TestStoreData(TransactionCase):
    """The generator behind the demo store and bench/generate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date(2026, 6, 15)
        cls.store = store_data.setup_store(cls.env)
        cls.figures = store_data.generate_activity(
            cls.env, cls.store, customers=60, orders=700, seed=7, today=cls.today
        )
        cls.company = cls.store["company"]
        # the demo store may already be there: look only at this run's rows
        cls.orders = cls.env["pos.order"].search(
            [("session_id", "in", cls.figures["session_ids"])], order="date_order"
        )
        cls.partners = cls.env["res.partner"].browse(cls.figures["partner_ids"])

    def test_store_is_a_taiwanese_chain_in_twd(self):
        self.assertEqual(self.company.currency_id.name, "TWD")
        configs = self.env["pos.config"].browse([c["id"] for c in self.store["configs"]])
        self.assertEqual(len(configs), 3)
        self.assertEqual(set(configs.currency_id.mapped("name")), {"TWD"})
        self.assertTrue(all(p["price"] > 0 for p in self.store["products"]))
        self.assertGreaterEqual(len({p["categ"] for p in self.store["products"]}), 5)

    def test_counts_match_what_was_asked(self):
        self.assertEqual(len(self.partners), 60)
        self.assertEqual(len(self.orders), 700)
        self.assertEqual(self.figures["orders"], 700)
        self.assertEqual(self.figures["payments"], 700)

    def test_customers_look_real(self):
        mobiles = self.partners.mapped("mobile")
        self.assertEqual(len(set(mobiles)), 60, "mobile numbers are unique")
        for partner in self.partners:
            self.assertRegex(partner.mobile, r"^\+886 9\d\d \d{3} \d{3}$")
            self.assertEqual(partner.phone_sanitized, re.sub(r"\s", "", partner.mobile))
            self.assertRegex(partner.name, r"^[\u4e00-\u9fff]{3}$")
            self.assertTrue(partner.birthday)
            self.assertEqual(partner.commercial_partner_id, partner)
        months = {p.birthday.month for p in self.partners}
        self.assertGreaterEqual(len(months), 9, "birthdays spread over the year")
        # the phone validation mixin finds them by their number
        found = self.env["res.partner"].search(
            [("phone_mobile_search", "=", self.partners[0].mobile)]
        )
        self.assertIn(self.partners[0], found)

    def test_orders_are_consistent_for_odoo(self):
        for order in self.orders[:50]:
            self.assertAlmostEqual(
                order.amount_total, sum(order.lines.mapped("price_subtotal_incl"))
            )
            self.assertAlmostEqual(order.amount_paid, sum(order.payment_ids.mapped("amount")))
            self.assertEqual(order.state, "done")
            self.assertEqual(order.session_id.config_id, order.config_id)
        self.assertLessEqual(self.orders[-1].date_order.date(), self.today)
        self.assertGreaterEqual(self.orders[0].date_order.date(), self.today - timedelta(days=366))
        # new orders at the till continue the generated numbering
        config = self.env["pos.config"].browse(self.store["configs"][0]["id"])
        generated = self.env["pos.order"].search_count([("config_id", "=", config.id)])
        self.assertEqual(config.sequence_id.number_next_actual, generated + 1)

    def test_realistic_patterns(self):
        by_partner = {}
        for order in self.orders.filtered("partner_id"):
            by_partner.setdefault(order.partner_id, []).append(order.date_order.date())
        self.assertEqual(set(by_partner), set(self.partners), "every customer bought once at least")
        one_time = [p for p, days in by_partner.items() if len(days) == 1]
        regulars = [p for p, days in by_partner.items() if len(days) >= 10]
        lapsed = [
            p
            for p, days in by_partner.items()
            if len(days) > 1 and 60 <= (self.today - max(days)).days <= 120
        ]
        self.assertTrue(one_time and regulars and lapsed)
        walk_ins = self.orders.filtered(lambda o: not o.partner_id)
        self.assertTrue(walk_ins, "walk-in customers buy without a member card")
        weekend = sum(1 for o in self.orders if o.date_order.weekday() >= 5) / 2
        weekday = sum(1 for o in self.orders if o.date_order.weekday() < 5) / 5
        self.assertGreater(weekend, weekday * 1.3, "weekends are busier")

    def test_deterministic_by_seed(self):
        plan_a = store_data._plan_customers(__import__("random").Random(3), 50, 400, self.today)
        plan_b = store_data._plan_customers(__import__("random").Random(3), 50, 400, self.today)
        plan_c = store_data._plan_customers(__import__("random").Random(4), 50, 400, self.today)
        self.assertEqual(plan_a, plan_b)
        self.assertNotEqual(plan_a, plan_c)

    def test_screens_open_on_generated_data(self):
        opened = store_data.smoke_check(self.env)
        self.assertGreater(opened["res.partner"], 60)
        self.assertGreaterEqual(opened["pos.order"], 700)
