# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestTiers(RetailLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["crm.retail.tier"]
        Tier.search([("company_id", "=", cls.company.id)]).write({"active": False})
        cls.company.write(
            {"tier_qualification_days": 365, "tier_grace_days": 30, "tier_downgrade_mode": "step"}
        )
        cls.base = Tier.create({"name": "會員", "sequence": 10, "company_id": cls.company.id})
        cls.vip = Tier.create(
            {
                "name": "VIP",
                "sequence": 20,
                "min_orders": 3,
                "points_multiplier": 1.5,
                "company_id": cls.company.id,
            }
        )
        cls.gold = Tier.create(
            {
                "name": "Gold",
                "sequence": 30,
                "min_orders": 3,
                "min_amount": 2000,
                "points_multiplier": 2.0,
                "company_id": cls.company.id,
            }
        )
        cls.member._member_tier_evaluate()

    def history(self):
        return self.env["crm.retail.tier.history"].search(
            [("partner_id", "=", self.member.id)], order="id"
        )

    def test_thresholds_are_an_and_of_the_non_zero_ones(self):
        Tier = self.env["crm.retail.tier"]
        ladder = Tier._ladder(self.company)
        self.assertEqual(Tier._best_for(ladder, 0, 0), self.base)
        self.assertEqual(Tier._best_for(ladder, 5000, 2), self.base, "spend alone is not Gold")
        self.assertEqual(Tier._best_for(ladder, 100, 3), self.vip)
        self.assertEqual(Tier._best_for(ladder, 2000, 3), self.gold)
        self.assertEqual(self.member.member_tier_id, self.base, "enrolment gives the base tier")

    def test_third_purchase_makes_a_vip_at_payment_and_multiplies_points(self):
        self.pay([(self.latte, 1)])
        self.pay([(self.latte, 1)])
        self.assertEqual(self.member.member_tier_id, self.base)
        self.pay([(self.latte, 1)])
        self.assertEqual(self.member.member_tier_id, self.vip, "before the receipt prints")
        change = self.history()[-1]
        self.assertEqual(
            (change.from_tier_id, change.to_tier_id, change.reason),
            (self.base, self.vip, "upgrade"),
        )
        # the 4th order earns 1.5 times: 12 points become 18
        order = self.pay([(self.latte, 1)])
        self.assertAlmostEqual(order._loyalty_points_earned(self.program), 18.0)
        self.assertAlmostEqual(self.rows(kind="earn")[-1].issued, 18.0)

    def test_downgrade_after_the_grace_period_only(self):
        with freeze_time("2026-01-10 04:00:00"):
            orders = [self.pay([(self.beans, 2)]) for _i in range(3)]  # 2700 TWD, 3 orders
        self.assertEqual(self.member.member_tier_id, self.gold)
        # a refund drops the member below Gold and VIP (2 orders, 1800 TWD)
        with freeze_time("2026-02-01 04:00:00"):
            line = orders[0].lines.filtered(lambda l: l.product_id == self.beans)
            self.sync([(self.beans, -2, line)], partner=self.member)
            self.member._member_tier_evaluate()
            self.assertEqual(self.member.member_tier_id, self.gold, "grace period")
            self.assertEqual(str(self.member.member_tier_below_since), "2026-02-01")
        with freeze_time("2026-02-20 04:00:00"):
            self.member._member_tier_evaluate()
            self.assertEqual(self.member.member_tier_id, self.gold)
        with freeze_time("2026-03-03 04:00:00"):
            self.member._member_tier_evaluate()
            self.assertEqual(self.member.member_tier_id, self.vip, "one tier at a time")
        with freeze_time("2026-04-03 04:00:00"):
            self.member._member_tier_evaluate()  # below VIP since 03-03 ...
            self.member._member_tier_evaluate()
            self.assertEqual(self.member.member_tier_id, self.vip)
        with freeze_time("2026-05-04 04:00:00"):
            self.member._member_tier_evaluate()
            self.assertEqual(self.member.member_tier_id, self.base)
        reasons = self.history().mapped("reason")
        self.assertEqual(reasons.count("downgrade"), 2)

    def test_direct_downgrade_mode(self):
        self.company.tier_downgrade_mode = "direct"
        with freeze_time("2026-01-10 04:00:00"):
            self.member._member_tier_change(self.gold, "upgrade")
            self.member._member_tier_evaluate()
        with freeze_time("2026-03-01 04:00:00"):
            self.member._member_tier_evaluate()
        self.assertEqual(self.member.member_tier_id, self.base, "straight to what they qualify for")

    def test_manual_override_needs_a_manager_and_a_reason(self):
        with self.assertRaises(AccessError):
            self.member.with_user(self.cashier).action_member_set_tier(self.gold, "friend")
        with self.assertRaises(ValidationError):
            self.member.with_user(self.manager).action_member_set_tier(self.gold, " ")
        wizard = (
            self.env["crm.retail.tier.override"]
            .with_user(self.manager)
            .create({"partner_id": self.member.id, "tier_id": self.gold.id, "reason": "企業客戶"})
        )
        wizard.action_apply()
        self.assertEqual(self.member.member_tier_id, self.gold)
        change = self.history()[-1]
        self.assertEqual(
            (change.reason, change.note, change.user_id), ("manual", "企業客戶", self.manager)
        )
        with freeze_time(datetime.now() + timedelta(days=90)):
            self.member._member_tier_evaluate()
        self.assertEqual(self.member.member_tier_id, self.gold, "a manual tier is not lowered")

    def test_nightly_cron_in_chunks(self):
        other = self._make_member("吳佩珊", "0912 000 444")
        other.sudo().member_tier_id = self.gold  # no longer qualifies
        Partner = self.env["res.partner"]
        done = 0
        while True:
            count, remaining = Partner._cron_evaluate_tiers(chunk_size=1)
            done += count
            if not remaining:
                break
        self.assertGreaterEqual(done, 2)
        self.assertTrue(other.member_tier_below_since, "the grace period has started")
        cursor = self.env["ir.config_parameter"].sudo().get_param("crm_retail_loyalty.tier_cursor")
        self.assertEqual(cursor, "0", "the next night starts again from the first member")

    def test_the_nightly_job_runs_on_the_tier_engine(self):
        other = self._make_member("吳佩珊", "0912 000 444")
        other.sudo().member_tier_id = self.gold  # no longer qualifies
        cron = self.env.ref("crm_retail_loyalty.ir_cron_evaluate_tiers")
        self.assertEqual(cron.model_id.model, "crm.retail.tier")
        cron.method_direct_trigger()
        self.assertTrue(other.member_tier_below_since, "the grace period has started")
        self.assertEqual(other.member_tier_id, self.gold)

    def test_the_engine_counts_the_member_company_orders_only(self):
        Tier = self.env["crm.retail.tier"]
        # a contact shared by both companies, a member of the store company
        self.member.company_id = False
        company_b = self.env["res.company"].create(
            {"name": "Tier Test Co B", "currency_id": self.company.currency_id.id}
        )
        if not self.env["stock.warehouse"].search_count([("company_id", "=", company_b.id)]):
            self.env["stock.warehouse"].create(
                {"name": "B Warehouse", "code": "TTB", "company_id": company_b.id}
            )
        hamper = self.env["product.product"].create(
            {"name": "Gift Hamper", "type": "consu", "list_price": 1000, "taxes_id": [(5, 0, 0)]}
        )
        for _i in range(3):
            order = (
                self.env["sale.order"]
                .with_company(company_b)
                .create(
                    {
                        "partner_id": self.member.id,
                        "company_id": company_b.id,
                        "order_line": [(0, 0, {"product_id": hamper.id, "product_uom_qty": 1})],
                    }
                )
            )
            order.action_confirm()
        self.assertEqual(
            Tier._member_figures(self.member, company_b), {self.member.id: (3000.0, 3)}
        )
        self.assertEqual(Tier._member_figures(self.member, self.company), {})
        Tier._evaluate_members(self.member)
        self.assertEqual(self.member.member_tier_id, self.base, "B's orders make no VIP in A")
        for _i in range(3):
            self.pay([(self.beans, 2)])  # 900 TWD each
        self.assertEqual(
            Tier._member_figures(self.member, self.company), {self.member.id: (2700.0, 3)}
        )
        self.assertEqual(self.member.member_tier_id, self.gold, "upgraded at the till")
