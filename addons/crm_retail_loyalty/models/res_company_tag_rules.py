# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# a file of its own while res_company.py is reworked: merge it there later
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model_create_multi
    def create(self, vals_list):
        """A new company starts with the example behaviour tag rules (inactive)."""
        companies = super().create(vals_list)
        self.env["crm.retail.tag.rule"]._create_example_rules(companies)
        return companies
