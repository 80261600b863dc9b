# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReportsInstall(TransactionCase):
    def test_dependencies_point_one_way(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["crm_retail_loyalty", "crm_retail_campaigns", "crm_retail_reports"])]
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        deps = {m.name: set(m.dependencies_id.mapped("name")) for m in modules}
        self.assertIn("crm_retail_campaigns", deps["crm_retail_reports"])
        self.assertIn("crm_retail_loyalty", deps["crm_retail_campaigns"])
        self.assertFalse(
            deps["crm_retail_loyalty"] & {"crm_retail_campaigns", "crm_retail_reports"}
        )
