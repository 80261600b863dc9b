# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import float_compare


class LoyaltyCardUpdateBalance(models.TransientModel):
    """Odoo's "Update Balance": for cards with lots, a manager-only ledger entry."""

    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        card = self.card_id
        if not card._uses_point_lots():
            return super().action_update_card_point()
        if not self.env.user.has_group("crm_retail_loyalty.crm_retail_loyalty_group_manager"):
            raise AccessError(self.env._("Only a loyalty manager can adjust a member's points."))
        reason = (self.description or "").strip()
        if not reason:
            raise ValidationError(self.env._("Give a reason for the points adjustment."))
        if self.new_balance < 0 or not float_compare(
            self.new_balance, card.points, precision_rounding=0.01
        ):
            raise ValidationError(
                self.env._("New Balance should be positive and different then old balance.")
            )
        difference = self.new_balance - card.points
        card.sudo()._ledger_adjust(difference, reason)
        return True
