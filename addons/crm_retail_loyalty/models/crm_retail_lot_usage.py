# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CrmRetailLotUsage(models.Model):
    """Which lots a spending, expiring or refund row consumed (or restored).

    ``points`` is positive when the row took points out of the lot and
    negative when a refund gave them back. At any time a lot's
    ``points_remaining`` equals its ``issued`` minus the sum of its usages.
    """

    _name = "crm.retail.lot.usage"
    _description = "Points Lot Usage"
    _order = "id"

    history_id = fields.Many2one(
        "loyalty.history", required=True, ondelete="cascade", index=True, readonly=True
    )
    lot_id = fields.Many2one(
        "loyalty.history", required=True, ondelete="cascade", index=True, readonly=True
    )
    card_id = fields.Many2one(related="lot_id.card_id", store=True)
    company_id = fields.Many2one(related="lot_id.card_id.company_id", store=True)
    points = fields.Float(required=True, readonly=True)
    lot_expiration_date = fields.Date(related="lot_id.expiration_date")
