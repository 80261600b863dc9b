# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    """The company's tier rules in the Point of Sale settings, where an owner
    looks for them (they apply to every shop of the company)."""

    _inherit = "res.config.settings"

    crm_retail_tier_qualification_days = fields.Integer(
        related="company_id.tier_qualification_days", readonly=False
    )
    crm_retail_tier_grace_days = fields.Integer(
        related="company_id.tier_grace_days", readonly=False
    )
    crm_retail_tier_downgrade_mode = fields.Selection(
        related="company_id.tier_downgrade_mode", readonly=False, required=True
    )
