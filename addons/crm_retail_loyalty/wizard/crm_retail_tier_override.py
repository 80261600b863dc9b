# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmRetailTierOverride(models.TransientModel):
    """A manager sets a member's tier by hand, with a reason."""

    _name = "crm.retail.tier.override"
    _description = "Set a Member's Tier"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    company_id = fields.Many2one(related="partner_id.member_company_id")
    tier_id = fields.Many2one(
        "crm.retail.tier", required=True, domain="[('company_id', '=', company_id)]"
    )
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        self.partner_id.action_member_set_tier(self.tier_id, self.reason)
        return {"type": "ir.actions.act_window_close"}
