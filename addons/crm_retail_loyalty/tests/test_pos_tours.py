# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import store_data


@tagged("post_install", "-at_install", "crm_retail_tour")
class TestPosTours(HttpCase):
    """The terminal in a real headless Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        store = store_data.setup_store(cls.env)
        cls.company = store["company"]
        cls.config = cls.env["pos.config"].browse(store["configs"][2]["id"])
        cls.program = cls.company.member_program_id
        cls.program.write(
            {
                "points_validity_days": 90,
                "points_expiry_notice_days": 30,
                "points_rounding": "none",
            }
        )
        # only the member programme runs at this till
        cls.env["loyalty.program"].search(
            [("id", "!=", cls.program.id), ("pos_ok", "=", True)]
        ).write({"active": False})
        cls.cashier = new_test_user(
            cls.env,
            "tour_cashier",
            groups="crm_retail_loyalty.crm_retail_loyalty_group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
            lang="en_US",
        )
        # the seeds' ladder: Member, VIP at the 3rd purchase, Gold
        cls.company._create_default_tiers()
        member = (
            cls.env["res.partner"]
            .with_company(cls.company)
            .create({"name": "林美玲", "mobile": "0912 000 333", "company_id": cls.company.id})
        )
        member.with_company(cls.company).action_member_enroll()
        # 100 points earned 70 days ago: they expire in 20 days
        member.member_card_id._ledger_earn(
            100, "welcome", earned_on=fields.Date.today() - timedelta(days=70)
        )
        member.member_card_id.code = "0449876543210"
        cls.member = member
        # a member the terminal does not hold yet, with a card code as Odoo makes them
        other = (
            cls.env["res.partner"]
            .with_company(cls.company)
            .create({"name": "王大同", "mobile": "+886 955 111 222", "company_id": cls.company.id})
        )
        other.with_company(cls.company).action_member_enroll()
        other.member_card_id.code = "044a-b29f-4a72"
        # 16 points expire tomorrow, 56 more in 20 days: 72 within the 30-day notice
        today = fields.Date.today()
        other.member_card_id._ledger_earn(16, "earlier", earned_on=today - timedelta(days=89))
        other.member_card_id._ledger_earn(56, "earlier", earned_on=today - timedelta(days=70))
        # the company's own contact carries a mobile number (never a member)
        cls.company.partner_id.mobile = "0911 222 333"
        # the tour pays by a method it can name in any interface language
        cls.config.payment_method_ids.filtered("is_cash_count").name = "Cash"

    def _start(self, tour):
        self.config.with_user(self.cashier).with_company(self.company).open_ui()
        self.start_tour(f"/pos/ui?config_id={self.config.id}", tour, login="tour_cashier")

    def test_member_pays_and_sees_points(self):
        self._start("CrmRetailMemberPayTour")
        card = self.member.member_card_id
        # 100 + 9 earned, then 30 spent (a partial redemption) and 6.5 earned
        self.assertAlmostEqual(card.points, 85.5)
        spend = card.history_ids.filtered(lambda r: r.ledger_kind == "spend")
        self.assertEqual(spend.mapped("used"), [30.0])
        self.assertFalse(self.env["loyalty.card"]._ledger_check_invariant(card.ids))

    def test_find_a_member_by_the_number_they_say_or_their_card(self):
        self._start("CrmRetailFindMemberTour")

    def test_enrol_at_the_till(self):
        self._start("CrmRetailEnrollTour")
        partner = self.env["res.partner"].search([("name", "=", "陳新會員")])
        self.assertEqual(len(partner), 1)
        self.assertTrue(partner.is_member)
        self.assertEqual(partner.phone_sanitized, "+886966123456")
        self.assertEqual(partner.member_join_channel, "pos")
        self.assertEqual(partner.member_join_pos_config_id, self.config)
        self.assertTrue(partner.consent_sms)
        self.assertFalse(partner.consent_email)
        self.assertEqual(str(partner.birthday), "1990-05-04")
        self.assertEqual(
            self.env["res.partner"].search_count([("phone_sanitized", "=", "+886912000333")]), 1
        )
        self.assertFalse(self.company.partner_id.is_member, "a company is never enrolled")
        self.assertFalse(
            self.env["res.partner"].search([("mobile", "ilike", "abc")]), "no member from letters"
        )

    def test_third_purchase_shows_vip(self):
        self._start("CrmRetailVipTour")
        self.assertEqual(self.member.member_tier_id.name, "VIP")
        upgrade = self.env["crm.retail.tier.history"].search(
            [("partner_id", "=", self.member.id), ("reason", "=", "upgrade")], order="id"
        )
        self.assertEqual(upgrade[-1].to_tier_id.name, "VIP")
