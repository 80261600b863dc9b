# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    member_program_id = fields.Many2one(
        "loyalty.program",
        string="Member Programme",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [id, False])]",
        help="The loyalty programme every member of this company has a card on. Only "
        "this programme keeps points in lots that expire; every other programme works "
        "exactly as in Odoo. Created on the first enrolment when empty.",
    )

    tier_qualification_days = fields.Integer(
        "Tier Qualification Window (days)",
        default=365,
        help="Spend and orders over this many days decide a member's tier.",
    )
    tier_grace_days = fields.Integer(
        "Tier Grace Period (days)",
        default=30,
        help="How long a member may stay below a tier's thresholds before being moved down.",
    )
    tier_downgrade_mode = fields.Selection(
        [("step", "One tier at a time"), ("direct", "Straight to the tier they qualify for")],
        "Tier Downgrade",
        default="step",
        required=True,
    )

    def _create_member_program(self):
        """Create the seeds' default programme where a company has none.

        10 points per 100 TWD spent, 1 point = 1 TWD off, each batch valid 90
        days, used oldest first, 30 days' notice before points expire.
        """
        for company in self.filtered(lambda c: not c.member_program_id):
            program = (
                self.env["loyalty.program"]
                .sudo()
                .with_company(company)
                .create(
                    {
                        "name": self.env._("Member Points"),
                        "program_type": "loyalty",
                        "company_id": company.id,
                        "currency_id": company.currency_id.id,
                        "applies_on": "both",
                        "trigger": "auto",
                        "portal_visible": True,
                        "portal_point_name": self.env._("Points"),
                        "pos_ok": True,
                        "sale_ok": True,
                        "points_validity_days": 90,
                        "points_expiry_policy": "rolling",
                        "points_expiry_notice_days": 30,
                        # the seeds count 10 points per full 100 TWD
                        "points_rounding": "unit",
                        "points_rounding_unit": 100,
                        "rule_ids": [
                            (5, 0, 0),
                            (
                                0,
                                0,
                                {
                                    "reward_point_mode": "money",
                                    "reward_point_amount": 0.1,
                                    "minimum_qty": 0,
                                    "minimum_amount": 0,
                                },
                            ),
                        ],
                        "reward_ids": [
                            (5, 0, 0),
                            (
                                0,
                                0,
                                {
                                    "reward_type": "discount",
                                    "discount_mode": "per_point",
                                    "discount": 1,
                                    "discount_applicability": "order",
                                    "required_points": 1,
                                    "description": self.env._("Points discount (1 point = 1)"),
                                },
                            ),
                        ],
                    }
                )
            )
            company.sudo().member_program_id = program
            company._create_default_tiers()

    def _create_default_tiers(self):
        """The seeds' ladder: Member, VIP at the 3rd purchase, a spend-based top tier."""
        Tier = self.env["crm.retail.tier"].sudo()
        for company in self:
            if Tier.search_count([("company_id", "=", company.id)]):
                continue
            Tier.create(
                [
                    {
                        "name": self.env._("Member"),
                        "sequence": 10,
                        "company_id": company.id,
                        "color": 0,
                        "points_multiplier": 1.0,
                        "benefits": self.env._("10 points per 100 spent."),
                    },
                    {
                        "name": self.env._("VIP"),
                        "sequence": 20,
                        "company_id": company.id,
                        "color": 3,
                        "min_orders": 3,
                        "points_multiplier": 1.5,
                        "benefits": self.env._("From the 3rd purchase: 1.5 times the points."),
                    },
                    {
                        "name": self.env._("Gold"),
                        "sequence": 30,
                        "company_id": company.id,
                        "color": 2,
                        "min_amount": 20000,
                        "min_orders": 3,
                        "points_multiplier": 2.0,
                        "benefits": self.env._("20,000 spent in a year: double points."),
                    },
                ]
            )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("member_program_id"):
            # a programme that already ran becomes a member programme: its
            # cards' balances become opening lots
            self.member_program_id._ledger_open_cards()
        return result
