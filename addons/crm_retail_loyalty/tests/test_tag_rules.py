# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestTagRules(RetailLoyaltyCase):
    """Every kind of rule on a fixture whose answers are worked out by hand.

    Today is 2026-06-30.
      林怡君 (member): 2026-01-05 beans x1 (450), 2026-06-20 latte x1 (120)
      王大明 (member): 2026-03-01, 03-15, 04-01 beans x4 (1800 each): 3 orders, 5400
      陳小華 (member): 2026-06-25 croissant x1 (65): one purchase, joined 06-25
      李四 (customer, not a member): 2026-02-01 latte x1
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wang = cls._make_member("王大明", "0912 000 501")
        cls.chen = cls._make_member("陳小華", "0912 000 502")
        cls.lee = cls.env["res.partner"].create({"name": "李四", "mobile": "0912 000 503"})
        cls.chen.sudo().write({"member_since": date(2026, 6, 25), "birthday": date(1990, 6, 3)})
        cls.wang.sudo().write({"member_since": date(2026, 1, 1), "birthday": date(1985, 12, 24)})
        cls.member.sudo().member_since = date(2026, 1, 1)
        # the hand-worked answers count this fixture's members only: the demo
        # store's members (if demo data is loaded) stop being members here
        cls.env["res.partner"].sudo().search(
            [("is_member", "=", True), ("id", "not in", (cls.member | cls.wang | cls.chen).ids)]
        ).write({"is_member": False})

    def setUp(self):
        super().setUp()
        for when, partner, lines in (
            ("2026-01-05", self.member, [(self.beans, 1)]),
            ("2026-06-20", self.member, [(self.latte, 1)]),
            ("2026-03-01", self.wang, [(self.beans, 4)]),
            ("2026-03-15", self.wang, [(self.beans, 4)]),
            ("2026-04-01", self.wang, [(self.beans, 4)]),
            ("2026-06-25", self.chen, [(self.croissant, 1)]),
            ("2026-02-01", self.lee, [(self.latte, 1)]),
        ):
            with freeze_time(f"{when} 04:00:00"):
                self.sync(lines, partner=partner)
        self.frozen = freeze_time("2026-06-30 04:00:00")
        self.frozen.start()
        self.addCleanup(self.frozen.stop)

    def rule(self, **vals):
        return self.env["crm.retail.tag.rule"].create(
            dict({"name": vals.get("kind", "rule"), "active": True}, **vals)
        )

    def matches(self, rule):
        return set(self.env["res.partner"].browse(rule._matching_ids()))

    def test_recency(self):
        rule = self.rule(kind="recency", days=60)
        self.assertEqual(self.matches(rule), {self.wang}, "last bought 04-01: 90 days ago")
        rule.members_only = False
        everyone = self.matches(rule)  # the demo store's lapsed customers may be there too
        self.assertTrue({self.wang, self.lee} <= everyone)
        self.assertFalse({self.member, self.chen} & everyone)
        rule.write(
            {"members_only": True, "days": 85, "min_past_orders": 3, "min_past_amount": 5000}
        )
        self.assertEqual(self.matches(rule), {self.wang}, "high-value, lapsed 85 days")
        rule.min_past_amount = 6000
        self.assertEqual(self.matches(rule), set(), "5400 spent is not enough")

    def test_frequency(self):
        rule = self.rule(kind="frequency", min_orders=3, days=365)
        self.assertEqual(self.matches(rule), {self.wang})
        rule.min_orders = 2
        self.assertEqual(self.matches(rule), {self.wang, self.member})
        rule.days = 30
        self.assertEqual(self.matches(rule), set(), "only one order each in 30 days")

    def test_monetary(self):
        rule = self.rule(kind="monetary", monetary_mode="average", amount=1800, days=180)
        self.assertEqual(self.matches(rule), {self.wang})
        rule.write({"monetary_mode": "total", "amount": 500})
        self.assertEqual(self.matches(rule), {self.wang, self.member}, "450 + 120")
        rule.write({"monetary_mode": "monthly", "amount": 1000, "days": 90})
        # 90 days: wang 04-01 (1800) -> 600 a month; nobody reaches 1000
        self.assertEqual(self.matches(rule), set())
        rule.amount = 500
        self.assertEqual(self.matches(rule), {self.wang})

    def test_product_affinity(self):
        bread = self.croissant.categ_id
        rule = self.rule(
            kind="affinity",
            days=365,
            product_ids=[(6, 0, self.beans.ids)],
            exclude_product_ids=[(6, 0, self.latte.ids)],
        )
        self.assertEqual(self.matches(rule), {self.wang}, "beans but no latte")
        rule.write({"product_ids": [(5, 0, 0)], "categ_ids": [(6, 0, bread.ids)]})
        self.assertEqual(self.matches(rule), {self.chen})

    def test_lifecycle_tier_birthday_and_domain(self):
        one = self.rule(kind="lifecycle", lifecycle="one_purchase")
        self.assertEqual(self.matches(one), {self.chen})
        joined = self.rule(kind="lifecycle", lifecycle="joined", days=10)
        self.assertIn(self.chen, self.matches(joined))
        self.assertNotIn(self.wang, self.matches(joined))
        tier = self.env["crm.retail.tier"].create(
            {"name": "Gold", "min_orders": 3, "company_id": self.company.id}
        )
        self.wang._member_tier_change(tier, "manual", note="test")
        self.assertEqual(
            self.matches(self.rule(kind="tier", tier_ids=[(6, 0, tier.ids)])), {self.wang}
        )
        self.assertEqual(
            self.matches(self.rule(kind="birthday_month", birthday_month="0")),
            {self.chen},
            "June birthdays",
        )
        self.assertEqual(
            self.matches(self.rule(kind="birthday_month", birthday_month="12")), {self.wang}
        )
        domain = self.rule(kind="domain", domain=f"[('name', '=', '{self.chen.name}')]")
        self.assertEqual(self.matches(domain), {self.chen})

    def test_only_the_difference_is_applied_and_manual_tags_stay(self):
        manual = self.env["res.partner.category"].create({"name": "朋友 (manual)"})
        (self.wang | self.member).write({"category_id": [(4, manual.id)]})
        rule = self.rule(kind="frequency", min_orders=2, days=365)
        self.assertEqual(rule.match_count, 2, "previewed before it runs")
        rule._apply()
        self.assertIn(rule.tag_id, self.wang.category_id)
        self.assertIn(rule.tag_id, self.member.category_id)
        history = rule.history_ids
        self.assertEqual(sorted(history.mapped("action")), ["entered", "entered"])
        rule._apply()
        self.assertEqual(len(rule.history_ids), 2, "a rerun changes nothing")
        rule.min_orders = 3
        rule._apply()
        self.assertNotIn(rule.tag_id, self.member.category_id)
        self.assertIn(rule.tag_id, self.wang.category_id)
        left = rule.history_ids.filtered(lambda h: h.action == "left")
        self.assertEqual(left.partner_id, self.member)
        self.assertIn(manual, self.member.category_id, "manual tags are untouched")
        self.assertIn(manual, self.wang.category_id)

    def test_seed_rules_ship_inactive_and_run(self):
        seeds = (
            self.env["crm.retail.tag.rule"]
            .with_context(active_test=False)
            .search(
                [
                    (
                        "id",
                        "in",
                        [
                            self.env.ref(f"crm_retail_loyalty.{x}").id
                            for x in (
                                "tag_rule_lapsed_60_days",
                                "tag_rule_average_spend_3000",
                                "tag_rule_bought_a_not_b",
                                "tag_rule_one_purchase",
                                "tag_rule_20_purchases_a_year",
                                "tag_rule_high_value_lapsed_90",
                            )
                        ],
                    )
                ]
            )
        )
        self.assertEqual(len(seeds), 6)
        self.assertFalse(any(seeds.mapped("active")))
        self.assertTrue(all(seeds.mapped("tag_id")))
        for seed in seeds:
            seed._matching_ids()  # every example is valid SQL on real data
