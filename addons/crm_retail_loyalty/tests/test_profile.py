# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import new_test_user, tagged
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
        # the partner shows the profile of the current company
        return self.customers[key].with_company(self.other_company).purchase_profile_id

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


@tagged("post_install", "-at_install")
class TestProfilePerCompany(RetailLoyaltyCase):
    """One customer (a contact shared by both companies) buys from two
    companies of one database; today is 2026-06-30.

      store company A  2026-05-10  till  latte x2      240
                       2026-06-20  till  beans x1      450
      company B        2026-06-25  online  hamper x1  1000

    A: 2 orders, 690, both at the till. B: 1 order, 1000, online.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create(
            {"name": "Retail CRM Test Co B", "currency_id": cls.company.currency_id.id}
        )
        if not cls.env["stock.warehouse"].search_count([("company_id", "=", cls.company_b.id)]):
            cls.env["stock.warehouse"].create(
                {"name": "B Warehouse", "code": "TCB", "company_id": cls.company_b.id}
            )
        cls.hamper = cls.env["product.product"].create(
            {"name": "Gift Hamper", "type": "consu", "list_price": 1000, "taxes_id": [(5, 0, 0)]}
        )
        cls.customer = cls.env["res.partner"].create({"name": "張雅婷", "company_id": False})
        group = "crm_retail_loyalty.crm_retail_loyalty_group_user"
        cls.user_a = new_test_user(
            cls.env,
            "retail_user_a",
            groups=group,
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.user_b = new_test_user(
            cls.env,
            "retail_user_b",
            groups=group,
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.user_ab = new_test_user(
            cls.env,
            "retail_user_ab",
            groups=group,
            company_id=cls.company.id,
            company_ids=[(6, 0, (cls.company | cls.company_b).ids)],
        )
        cls.Profile = cls.env["crm.retail.customer.profile"]

    def buy_in_both(self):
        with freeze_time("2026-05-10 04:00:00"):
            self.sync([(self.latte, 2)], partner=self.customer)
        with freeze_time("2026-06-20 04:00:00"):
            self.sync([(self.beans, 1)], partner=self.customer)
        with freeze_time("2026-06-25 04:00:00"):
            order = (
                self.env["sale.order"]
                .with_company(self.company_b)
                .create(
                    {
                        "partner_id": self.customer.id,
                        "company_id": self.company_b.id,
                        "order_line": [
                            (0, 0, {"product_id": self.hamper.id, "product_uom_qty": 1})
                        ],
                    }
                )
            )
            order.action_confirm()

    def profiles(self):
        return {
            profile.company_id: profile
            for profile in self.Profile.search([("partner_id", "=", self.customer.id)])
        }

    def figures(self, profile):
        return (
            profile.order_count,
            profile.total_spent,
            profile.pos_order_count,
            profile.online_order_count,
            profile.currency_id,
        )

    def assertTwoProfiles(self):
        profiles = self.profiles()
        self.assertEqual(set(profiles), {self.company, self.company_b}, "one per company")
        currency = self.company.currency_id
        self.assertEqual(self.figures(profiles[self.company]), (2, 690.0, 2, 0, currency))
        self.assertEqual(self.figures(profiles[self.company_b]), (1, 1000.0, 0, 1, currency))
        self.assertEqual(profiles[self.company].last_purchase_date, datetime(2026, 6, 20, 4, 0))
        self.assertEqual(profiles[self.company].channel_mix, {str(self.config.id): 2})
        self.assertEqual(profiles[self.company_b].channel_mix, {"online": 1})
        return profiles

    def seen_by(self, user, company):
        """The customer as ``user`` sees them with ``company`` selected."""
        return self.customer.with_user(user).with_context(allowed_company_ids=company.ids)

    def test_a_customer_of_two_companies_has_a_profile_in_each(self):
        self.buy_in_both()
        at_the_till = {
            c: p.read(["order_count", "total_spent"]) for c, p in self.assertTwoProfiles().items()
        }
        with freeze_time("2026-06-30 04:00:00"):
            self.Profile._rebuild_all()
        profiles = self.assertTwoProfiles()
        self.assertEqual(
            {c: p.read(["order_count", "total_spent"]) for c, p in profiles.items()},
            at_the_till,
            "the till and the night agree, company by company",
        )
        self.assertEqual(profiles[self.company].favourite_config_id, self.config)
        self.assertFalse(profiles[self.company_b].favourite_config_id, "no till in B")
        self.assertEqual(
            (profiles[self.company].order_count_90, profiles[self.company].spent_90),
            (2, 690.0),
        )
        self.assertEqual(profiles[self.company].top_categ_ids, (self.latte | self.beans).categ_id)
        self.assertEqual(profiles[self.company_b].top_categ_ids, self.hamper.categ_id)
        # the nightly rebuild of a few customers (the merge wizard's) too
        self.Profile._rebuild_partners(self.customer)
        self.assertTwoProfiles()

    def test_the_partner_shows_the_current_company_profile_only(self):
        self.buy_in_both()
        profiles = self.profiles()
        fnames = ["purchase_profile_id", "profile_order_count", "profile_total_spent"]
        for user, company, spent in (
            (self.user_a, self.company, 690.0),
            (self.user_b, self.company_b, 1000.0),
            (self.user_ab, self.company, 690.0),
            (self.user_ab, self.company_b, 1000.0),
        ):
            partner = self.seen_by(user, company)
            profile = profiles[company]
            self.assertEqual(partner.purchase_profile_id, profile)
            self.assertEqual(
                partner.read(fnames)[0],
                {
                    "id": partner.id,
                    "purchase_profile_id": (profile.id, profile.display_name),
                    "profile_order_count": profile.order_count,
                    "profile_total_spent": spent,
                },
            )
            # the list searches and groups on the same figures
            Partner = partner.browse()
            self.assertEqual(
                Partner.search([("id", "=", partner.id), ("profile_total_spent", "=", spent)]),
                partner,
            )
            self.assertFalse(
                Partner.search([("id", "=", partner.id), ("profile_total_spent", "=", 1690.0)]),
                "never both companies summed",
            )
            groups = Partner.read_group(
                [("id", "=", partner.id)], ["profile_total_spent:sum"], ["profile_rfm_segment"]
            )
            self.assertEqual(groups[0]["profile_total_spent"], spent)

    def test_a_user_of_one_company_never_sees_another_company_figures(self):
        self.buy_in_both()
        # a customer who bought in B only
        only_b = self.env["res.partner"].create({"name": "周杰", "company_id": False})
        self.Profile._register_order(
            only_b, self.company_b, 500.0, datetime(2026, 6, 1, 4, 0), "online"
        )
        partner = only_b.with_user(self.user_a).with_context(allowed_company_ids=self.company.ids)
        self.assertFalse(partner.purchase_profile_id, "no profile in A")
        self.assertEqual((partner.profile_order_count, partner.profile_total_spent), (0, 0.0))
        self.assertFalse(
            partner.search([("id", "=", only_b.id), ("profile_order_count", ">", 0)]),
        )
        self.assertFalse(
            self.Profile.with_user(self.user_a).search([("partner_id", "=", only_b.id)]),
            "the record rule hides B's profile",
        )

    def test_tag_rules_read_their_company_profile(self):
        self.buy_in_both()
        profiles = self.profiles()
        profiles[self.company].rfm_segment = "champions"
        profiles[self.company_b].rfm_segment = "lost"

        def matches(company, segment):
            rule = self.env["crm.retail.tag.rule"].create(
                {
                    "name": f"{segment} in {company.name}",
                    "kind": "rfm",
                    "rfm_segment": segment,
                    "members_only": False,
                    "company_id": company.id,
                }
            )
            return self.customer.id in rule._matching_ids()

        self.assertTrue(matches(self.company, "champions"))
        self.assertFalse(matches(self.company, "lost"), "B's segment is not A's")
        self.assertTrue(matches(self.company_b, "lost"))
        self.assertFalse(matches(self.company_b, "champions"))
