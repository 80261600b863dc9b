# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmRetailTierHistory(models.Model):
    """Every tier change of a member: campaigns react to these rows."""

    _name = "crm.retail.tier.history"
    _description = "Member Tier Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    from_tier_id = fields.Many2one("crm.retail.tier", ondelete="set null")
    to_tier_id = fields.Many2one("crm.retail.tier", ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    reason = fields.Selection(
        [("upgrade", "Upgrade"), ("downgrade", "Downgrade"), ("manual", "Manual")],
        required=True,
    )
    note = fields.Char()
    user_id = fields.Many2one("res.users", "By", default=lambda self: self.env.user)
