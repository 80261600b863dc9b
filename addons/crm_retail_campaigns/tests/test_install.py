# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCampaignGroups(TransactionCase):
    def test_campaign_manager_can_mail_and_see_members(self):
        manager = new_test_user(
            self.env,
            "campaign_mgr",
            groups="crm_retail_campaigns.crm_retail_campaigns_group_manager",
        )
        self.assertTrue(manager.has_group("crm_retail_loyalty.crm_retail_loyalty_group_user"))
        self.assertTrue(manager.has_group("mass_mailing.group_mass_mailing_user"))
        self.assertFalse(manager.has_group("crm_retail_loyalty.crm_retail_loyalty_group_manager"))
        # mass mailing can target the members' birthdays that loyalty records
        mailing = (
            self.env["mailing.mailing"]
            .with_user(manager)
            .create(
                {
                    "subject": "生日快樂",
                    "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "mailing_domain": "[('birthday', '!=', False)]",
                }
            )
        )
        self.assertEqual(mailing.mailing_model_real, "res.partner")
