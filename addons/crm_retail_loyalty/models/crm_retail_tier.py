# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools


class CrmRetailTier(models.Model):
    """A rung of the member ladder.

    A member holds the highest tier (by sequence) whose non-zero thresholds
    are all met over the company's qualification window: paid orders net of
    refunds, at the till and online.
    """

    _name = "crm.retail.tier"
    _description = "Member Tier"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Higher tiers come later in the ladder.")
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    min_amount = fields.Monetary(
        "Minimum Spend", help="Spend over the qualification window, refunds deducted. 0: none."
    )
    min_orders = fields.Integer(
        "Minimum Orders", help="Paid orders over the window, refunds deducted. 0: none."
    )
    points_multiplier = fields.Float(default=1.0, help="Points earned are multiplied by this.")
    benefits = fields.Text(translate=True)
    member_count = fields.Integer(compute="_compute_member_count")

    _sql_constraints = [
        ("min_amount_positive", "CHECK(min_amount >= 0)", "The minimum spend cannot be negative."),
        ("min_orders_positive", "CHECK(min_orders >= 0)", "The minimum orders cannot be negative."),
        (
            "points_multiplier_positive",
            "CHECK(points_multiplier > 0)",
            "The points multiplier must be positive.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("member_tier_id", "in", self.ids)], ["member_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    def _qualifies(self, amount, orders):
        """All non-zero thresholds met (an AND of them)."""
        self.ensure_one()
        return (not self.min_amount or amount >= self.min_amount) and (
            not self.min_orders or orders >= self.min_orders
        )

    @api.model
    def _ladder(self, company):
        return self.browse(self._ladder_ids(company.id))

    @tools.ormcache("company_id")
    def _ladder_ids(self, company_id):
        # asked at every payment; cleared whenever a tier changes
        return tuple(
            self.sudo().search([("company_id", "=", company_id)], order="sequence, id").ids
        )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _best_for(self, ladder, amount, orders):
        """The highest tier of ``ladder`` these figures qualify for."""
        best = self.browse()
        for tier in ladder:
            if tier._qualifies(amount, orders):
                best = tier
        return best
