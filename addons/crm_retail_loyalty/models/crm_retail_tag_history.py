# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmRetailTagHistory(models.Model):
    """A customer entering or leaving a behaviour tag: campaigns trigger on it."""

    _name = "crm.retail.tag.history"
    _description = "Behaviour Tag Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    tag_id = fields.Many2one("res.partner.category", required=True, ondelete="cascade")
    rule_id = fields.Many2one("crm.retail.tag.rule", ondelete="set null", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    action = fields.Selection([("entered", "Entered"), ("left", "Left")], required=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
