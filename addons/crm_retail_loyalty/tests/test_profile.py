# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestPurchaseProfile(RetailLoyaltyCase):
    """林怡君's year, worked out by hand (today is 2026-06-30, 12:00 Taipei).

      01-10 store 1  latte x2        240
      02-15 store 2  matcha x1       150
      03-01 store 2  beans x1        450
      05-30 store 1  croissant x2    130
      06-20 store 1  latte x1        120
      06-21 store 1  refund of 06-20 -120

    Net orders 4, spend 970, average ticket 242.5; first 01-10, last 06-20:
    161 days over 3 gaps = 53.67 days, so the next visit is expected on
    08-12. In the last 90 days (from 04-01): 1 order, 130. Favourite store 1
    (3 purchases to 2), paid in cash. Top categories by spend: gift (450),
    coffee (360), tea (150); bread (130) is fourth.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.session2 = cls._open_session(cls.config2)
        cls.Profile = cls.env["crm.retail.customer.profile"]

    def buy_the_year(self):
        matcha = self.env["product.product"].search([("name", "=", "抹茶拿鐵")], limit=1)
        steps = (
            ("2026-01-10", [(self.latte, 2)], self.session),
            ("2026-02-15", [(matcha, 1)], self.session2),
            ("2026-03-01", [(self.beans, 1)], self.session2),
            ("2026-05-30", [(self.croissant, 2)], self.session),
            ("2026-06-20", [(self.latte, 1)], self.session),
        )
        orders = []
        for when, lines, session in steps:
            with freeze_time(f"{when} 04:00:00"):
                orders.append(self.sync(lines, partner=self.member, session=session))
        with freeze_time("2026-06-21 04:00:00"):
            line = orders[-1].lines.filtered(lambda l: l.product_id == self.latte)
            self.sync([(self.latte, -1, line)], partner=self.member)
        return orders

    def test_figures_move_at_each_paid_order_and_refund(self):
        self.assertFalse(self.member.purchase_profile_id, "no order, no profile")
        self.buy_the_year()
        profile = self.member.purchase_profile_id
        self.assertTrue(profile)
        self.assertEqual(profile.order_count, 4, "the refund takes one order back")
        self.assertAlmostEqual(profile.total_spent, 970.0)
        self.assertAlmostEqual(profile.average_ticket, 242.5)
        self.assertEqual(profile.first_purchase_date, datetime(2026, 1, 10, 4, 0))
        self.assertEqual(profile.last_purchase_date, datetime(2026, 6, 20, 4, 0), "not the refund")
        self.assertAlmostEqual(profile.avg_days_between, 161 / 3, places=2)
        self.assertEqual(str(profile.next_purchase_date), "2026-08-12")
        self.assertEqual(profile.pos_order_count, 4)
        self.assertEqual(profile.channel_mix, {str(self.config.id): 2, str(self.config2.id): 2})
        # the partner list shows and filters the same figures
        self.assertEqual(self.member.profile_order_count, 4)
        with freeze_time("2026-08-22 04:00:00"):
            profile.invalidate_recordset(["days_overdue"])
            self.assertEqual(profile.days_overdue, 10)
            overdue = self.env["res.partner"].search(
                [("profile_days_overdue", ">", 5), ("id", "=", self.member.id)]
            )
            self.assertEqual(overdue, self.member)
            not_yet = self.env["res.partner"].search(
                [("profile_days_overdue", ">", 15), ("id", "=", self.member.id)]
            )
            self.assertFalse(not_yet)

    def test_nightly_rebuild_computes_windows_favourites_and_categories(self):
        self.buy_the_year()
        profile = self.member.purchase_profile_id
        incremental = profile.read(
            ["order_count", "total_spent", "first_purchase_date", "last_purchase_date"]
        )[0]
        with freeze_time("2026-06-30 04:00:00"):
            self.Profile._rebuild_all()
        rebuilt = profile.read(
            ["order_count", "total_spent", "first_purchase_date", "last_purchase_date"]
        )[0]
        self.assertEqual(incremental, rebuilt, "the till and the night agree")
        self.assertEqual((profile.order_count_90, profile.spent_90), (1, 130.0))
        self.assertEqual((profile.order_count_365, profile.spent_365), (4, 970.0))
        self.assertEqual(profile.favourite_config_id, self.config)
        self.assertEqual(profile.favourite_payment_method_id, self.cash)
        self.assertEqual(
            set(profile.top_categ_ids.mapped("name")),
            set((self.beans | self.latte).categ_id.mapped("name"))
            | {self.env["product.product"].search([("name", "=", "抹茶拿鐵")]).categ_id.name},
        )
        self.assertNotIn(self.croissant.categ_id, profile.top_categ_ids, "bread is fourth")
        self.assertIn("50%", profile.channel_mix_display)
        # the partner list groups by the profile's figures
        groups = self.env["res.partner"].read_group(
            [("id", "=", self.member.id)],
            ["profile_total_spent:sum"],
            ["profile_favourite_config_id"],
        )
        self.assertEqual(groups[0]["profile_favourite_config_id"][0], self.config.id)
        self.assertAlmostEqual(groups[0]["profile_total_spent"], 970.0)

    def test_rebuild_is_chunked_resumable_and_idempotent(self):
        self.buy_the_year()
        with freeze_time("2026-06-30 04:00:00"):
            self.Profile._rebuild_all()
            first = self.member.purchase_profile_id.read()[0]
            params = self.env["ir.config_parameter"].sudo()
            params.set_param("crm_retail_loyalty.profile_cursor", "figures:0")
            # a run killed after two chunks, then started again: same figures
            self.Profile._cron_rebuild_profiles(chunk_size=5)
            self.Profile._cron_rebuild_profiles(chunk_size=5)
            self.assertEqual(params.get_param("crm_retail_loyalty.profile_cursor"), "figures:10")
            while self.Profile._cron_rebuild_profiles(chunk_size=100000):
                pass
            self.assertEqual(params.get_param("crm_retail_loyalty.profile_cursor"), "figures:0")
            self.Profile.invalidate_model()
            again = self.member.purchase_profile_id.read()[0]
        for key in ("write_date", "rebuilt_at", "__last_update"):
            first.pop(key, None)
            again.pop(key, None)
        self.assertEqual(first, again)

    def test_merging_customers_merges_their_profiles(self):
        twin = self.env["res.partner"].create({"name": "林怡君 (重複)", "mobile": "0912 000 999"})
        with freeze_time("2026-06-01 04:00:00"):
            self.sync([(self.latte, 1)], partner=self.member)
            self.sync([(self.beans, 1)], partner=twin)
        self.assertEqual(twin.purchase_profile_id.order_count, 1)
        self.env["base.partner.merge.automatic.wizard"]._merge(
            [self.member.id, twin.id], self.member, extra_checks=False
        )
        profile = self.member.purchase_profile_id
        self.assertEqual((profile.order_count, profile.total_spent), (2, 570.0))
        self.assertAlmostEqual(profile.average_ticket, 285.0)

    def test_a_fully_refunded_customer_keeps_a_zero_profile(self):
        with freeze_time("2026-06-01 04:00:00"):
            order = self.sync([(self.latte, 1)], partner=self.member)
        with freeze_time("2026-06-02 04:00:00"):
            line = order.lines.filtered(lambda l: l.product_id == self.latte)
            self.sync([(self.latte, -1, line)], partner=self.member)
            self.Profile._rebuild_all()
        profile = self.member.purchase_profile_id
        self.assertEqual((profile.order_count, profile.total_spent), (0, 0.0))
        self.assertFalse(profile.rfm_segment, "nobody to score")


@tagged("post_install", "-at_install")
class TestRfm(RetailLoyaltyCase):
    """Five customers of a company of their own; today is 2026-06-30.

                 last order   days  orders  spend   R F M  FM  segment
      A          06-29           1       1    100   5 1 2   2  New
      B          06-20          10       2    400   3 3 3   3  Loyal
      C          03-01         121      12  20000   2 5 5   5  Can't lose
      D          2025-12-01    211       1     50   1 1 1   1  Lost
      E          06-25           5      10  10000   4 4 4   4  Champions

    Quintile boundaries (PERCENTILE_DISC at 20/40/60/80 %): recency
    -211/-121/-10/-5 days, orders 1/1/2/10, spend 50/100/400/10000; a score is
    1 + the number of boundaries the figure exceeds.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create(
            {"name": "RFM Test Co", "currency_id": cls.company.currency_id.id}
        )
        Partner = cls.env["res.partner"]
        cls.customers = {
            key: Partner.create({"name": f"客戶 {key}", "company_id": cls.other_company.id})
            for key in "ABCDE"
        }

    def register(self, key, when, amount):
        with freeze_time(when):
            self.env["crm.retail.customer.profile"]._register_order(
                self.customers[key], self.other_company, amount, fields.Datetime.now(), "online"
            )

    def setUp(self):
        super().setUp()
        self.register("A", "2026-06-29 04:00:00", 100)
        self.register("B", "2026-06-01 04:00:00", 200)
        self.register("B", "2026-06-20 04:00:00", 200)
        for week in range(12):
            amount = 2400 if week == 0 else 1600
            self.register("C", datetime(2026, 3, 1, 4) - timedelta(days=7 * week), amount)
        self.register("D", "2025-12-01 04:00:00", 50)
        for step in range(10):
            self.register("E", datetime(2026, 6, 25, 4) - timedelta(days=10 * step), 1000)
        self.now = datetime(2026, 6, 30, 4, 0)
        Profile = self.env["crm.retail.customer.profile"]
        self.thresholds = Profile._compute_thresholds(self.now)[str(self.other_company.id)]
        Profile._update_derived(SQL("pr.company_id = %s", self.other_company.id), self.now)
        Profile.invalidate_model()

    def profile(self, key):
        return self.customers[key].purchase_profile_id

    def test_quintile_boundaries(self):
        self.assertEqual(self.thresholds["r"], [-211.0, -121.0, -10.0, -5.0])
        self.assertEqual(self.thresholds["f"], [1.0, 1.0, 2.0, 10.0])
        self.assertEqual(self.thresholds["m"], [50.0, 100.0, 400.0, 10000.0])

    def test_scores_and_segments(self):
        expected = {
            "A": ("512", "new"),
            "B": ("333", "loyal"),
            "C": ("255", "cant_lose"),
            "D": ("111", "lost"),
            "E": ("444", "champions"),
        }
        got = {key: (self.profile(key).rfm_score, self.profile(key).rfm_segment) for key in "ABCDE"}
        self.assertEqual(got, expected)

    def test_a_purchase_moves_the_segment_at_the_till(self):
        self.register("D", "2026-06-30 04:00:00", 20)
        profile = self.profile("D")
        self.assertEqual(profile.rfm_recency, 5, "bought today")
        self.assertEqual(profile.rfm_frequency, 3, "2 orders in 365 days exceed 1 and 1")
        self.assertEqual(profile.rfm_monetary, 2, "70 exceeds 50")
        self.assertEqual(profile.rfm_segment, "loyal", "back from Lost at the till")

    def test_rfm_tag_rule_and_company_rule(self):
        rule = self.env["crm.retail.tag.rule"].create(
            {
                "name": "Can't lose",
                "kind": "rfm",
                "rfm_segment": "cant_lose",
                "members_only": False,
                "company_id": self.other_company.id,
            }
        )
        self.assertEqual(rule._matching_ids(), [self.customers["C"].id])
        rule._apply()
        self.assertIn(rule.tag_id, self.customers["C"].category_id)
        # the store's cashier does not see another company's profiles
        Profile = self.env["crm.retail.customer.profile"].with_user(self.cashier)
        self.assertFalse(Profile.search([("company_id", "=", self.other_company.id)]))
