# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestMembers(RetailLoyaltyCase):
    def test_enrolment_is_idempotent_and_normalises_the_number(self):
        partner = self.env["res.partner"].create({"name": "王小明", "mobile": "0933-123-456"})
        partner.action_member_enroll()
        card = partner.member_card_id
        partner.action_member_enroll()
        self.assertTrue(partner.is_member)
        self.assertEqual(partner.member_card_id, card)
        self.assertEqual(card.program_id, self.company.member_program_id)
        self.assertEqual(partner.phone_sanitized, "+886933123456")
        self.assertEqual(partner.member_company_id, self.company)
        self.assertFalse(partner.company_id, "a shared contact stays shared")
        self.assertTrue(partner.member_since)

    def test_one_member_per_mobile_per_company(self):
        twin = self.env["res.partner"].create({"name": "林怡君2", "mobile": "+886 912 000 111"})
        with self.assertRaisesRegex(ValidationError, "林怡君"):
            twin.action_member_enroll()
        self.assertEqual(
            self.env["res.partner"]._member_find_by_mobile("0912000111"),
            self.member,
            "the till is offered the existing member instead of a duplicate",
        )

    def test_invalid_or_missing_number(self):
        nobody = self.env["res.partner"].create({"name": "No Phone"})
        with self.assertRaises(ValidationError):
            nobody.action_member_enroll()
        wrong = self.env["res.partner"].create({"name": "Wrong", "mobile": "12"})
        with self.assertRaisesRegex(ValidationError, "not a valid mobile number"):
            wrong.action_member_enroll()

    def test_enrol_at_the_till(self):
        Partner = self.env["res.partner"].with_user(self.cashier)
        self.assertEqual(Partner.pos_member_lookup("0912-000-111")["id"], self.member.id)
        self.assertFalse(Partner.pos_member_lookup("0955 555 555"))
        data = Partner.pos_member_enroll(
            {
                "name": "張雅婷",
                "mobile": "0955 555 555",
                "birthday": "1990-05-04",
                "consent_sms": True,
                "consent_email": False,
            },
            self.config.id,
        )
        partner = self.env["res.partner"].browse(data["id"])
        self.assertTrue(partner.is_member)
        self.assertEqual(partner.member_join_channel, "pos")
        self.assertEqual(partner.member_join_pos_config_id, self.config)
        self.assertEqual(str(partner.birthday), "1990-05-04")
        self.assertTrue(partner.consent_sms)
        self.assertEqual(partner.consent_sms_source, "pos")
        self.assertTrue(partner.consent_sms_date)
        with self.assertRaises(ValidationError):
            Partner.pos_member_enroll({"name": "X", "mobile": "0955"}, self.config.id)

    def test_blacklists_win_over_consent(self):
        partner = self.env["res.partner"].create(
            {
                "name": "黃志明",
                "mobile": "0922 111 222",
                "email": "chih@example.com",
                "consent_email": True,
                "consent_sms": True,
            }
        )
        self.assertTrue(partner.can_email and partner.can_sms)
        self.assertEqual(partner.consent_email_source, "backoffice")
        self.env["mail.blacklist"].sudo()._add("chih@example.com")
        self.env["phone.blacklist"].sudo().add("+886922111222")
        partner.invalidate_recordset()
        self.assertFalse(partner.can_email)
        self.assertFalse(partner.can_sms)

    def test_cashier_sees_and_enrols_but_cannot_adjust(self):
        member = self.member.with_user(self.cashier)
        self.assertTrue(member.is_member)
        self.assertEqual(member.member_points, 0.0)
        new = (
            self.env["res.partner"]
            .with_user(self.cashier)
            .create({"name": "吳宗翰", "mobile": "0977 000 001"})
        )
        new.action_member_enroll()
        self.assertTrue(new.is_member)
        with self.assertRaises(AccessError):
            self.card.with_user(self.cashier).write({"points": 10})
        with self.assertRaises(AccessError):
            self.env["loyalty.history"].with_user(self.cashier).create(
                {"card_id": self.card.id, "description": "x", "issued": 10}
            )

    def test_companies_never_see_each_others_members(self):
        other_company = self.env["res.company"].create(
            {"name": "Other Shop", "country_id": self.env.ref("base.tw").id}
        )
        outsider = new_test_user(
            self.env,
            "other_cashier",
            groups="crm_retail_loyalty.crm_retail_loyalty_group_user",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        Partner = (
            self.env["res.partner"]
            .with_user(outsider)
            .with_context(allowed_company_ids=other_company.ids)
        )
        self.assertFalse(Partner.search([("is_member", "=", True), ("id", "=", self.member.id)]))
        with self.assertRaises(AccessError):
            Partner.browse(self.member.id).read(["name"])
        with self.assertRaises(AccessError):
            self.env["loyalty.card"].with_user(outsider).with_context(
                allowed_company_ids=other_company.ids
            ).browse(self.card.id).read(["points"])
        # the same number can be a member of another company
        twin = (
            self.env["res.partner"]
            .with_company(other_company)
            .create({"name": "林怡君", "mobile": "0912 000 111", "company_id": other_company.id})
        )
        twin.with_company(other_company).action_member_enroll()
        self.assertEqual(twin.member_company_id, other_company)
        self.assertNotEqual(twin.member_card_id.program_id, self.program)

    def test_member_filters(self):
        Partner = self.env["res.partner"]
        self.assertIn(self.member, Partner.search([("is_member", "=", True)]))
        self.assertNotIn(self.member, Partner.search(Partner._member_expiring_domain(30)))
        self.pay([(self.beans, 1)])
        with __import__("freezegun").freeze_time(self.rows(kind="earn").expiration_date):
            self.assertIn(self.member, Partner.search(Partner._member_expiring_domain(30)))

    def test_points_statement_renders(self):
        self.pay([(self.beans, 1)])
        html, _fmt = self.env["ir.actions.report"]._render_qweb_html(
            "crm_retail_loyalty.report_points_statement", self.member.ids
        )
        html = html.decode()
        self.assertIn(self.member.name, html)
        self.assertIn("45.00", html)

    def test_merging_customers_moves_lots_with_their_expiry(self):
        twin = self._make_member("林怡君 (舊)", "0912 000 999")
        with __import__("freezegun").freeze_time("2026-01-10 04:00:00"):
            self.pay([(self.beans, 1)], partner=twin, card=twin.member_card_id)
        with __import__("freezegun").freeze_time("2026-02-10 04:00:00"):
            self.pay([(self.beans, 2)])
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((self.member | twin).ids, self.member)
        lots = self.card.lot_ids.sorted("expiration_date")
        self.assertEqual(
            [(lot.points_remaining, str(lot.expiration_date)) for lot in lots],
            [(45.0, "2026-04-10"), (90.0, "2026-05-11")],
        )
        self.assertAlmostEqual(self.card.points, 135.0)
        self.assertLedgerConsistent()

    def test_bad_numbers_never_make_members(self):
        Partner = self.env["res.partner"].with_user(self.cashier)
        count = Partner.search_count([])
        with self.assertRaisesRegex(ValidationError, "digits only"):
            Partner.pos_member_lookup("0912-abc-678")
        with self.assertRaisesRegex(ValidationError, "landline"):
            Partner.pos_member_lookup("02 2722 0000")
        with self.assertRaisesRegex(ValidationError, "not a valid mobile number"):
            Partner.pos_member_lookup("12345")
        with self.assertRaisesRegex(ValidationError, "digits only"):
            Partner.pos_member_enroll({"name": "王小美", "mobile": "0912-abc-678"})
        self.assertEqual(Partner.search_count([]), count, "nothing was created")
        # the company's own contact is never offered nor enrolled
        self.company.partner_id.mobile = "0911 222 333"
        self.assertFalse(Partner.pos_member_lookup("0911222333"))
        with self.assertRaisesRegex(ValidationError, "company"):
            self.company.partner_id.action_member_enroll()
        # a foreign mobile in international form is fine
        self.assertFalse(Partner.pos_member_lookup("+81 90 1234 5678"))

    def test_taking_another_members_number_is_a_clear_message(self):
        other = self._make_member("高明佳", "0987 654 019")
        with self.assertRaisesRegex(ValidationError, "already belongs to the member 高明佳"):
            self.member.write({"mobile": "0987-654-019"})
        self.assertNotEqual(self.member.phone_sanitized, other.phone_sanitized)
