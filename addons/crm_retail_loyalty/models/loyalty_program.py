# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
from datetime import timedelta

from odoo import api, fields, models


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    points_validity_days = fields.Integer(
        string="Points Validity (days)",
        default=0,
        help="How long earned points stay valid. 0: points never expire.",
    )
    points_expiry_policy = fields.Selection(
        [
            ("rolling", "Rolling: each batch N days after it was earned"),
            ("month_end", "Month end: rounded up to the end of that month"),
            ("inactivity", "Inactivity: all points N days after the last purchase"),
        ],
        string="Expiry Policy",
        default="rolling",
        required=True,
    )
    points_expiry_notice_days = fields.Integer(
        string="Expiry Notice (days)",
        default=30,
        help="Points expiring within this many days are shown as expiring soon "
        "to the cashier, on the receipt and to campaigns.",
    )
    uses_point_lots = fields.Boolean(
        compute="_compute_uses_point_lots",
        help="Loyalty programmes record every earning as a lot with its own expiry.",
    )

    _sql_constraints = [
        (
            "points_validity_days_positive",
            "CHECK(points_validity_days >= 0)",
            "The points validity cannot be negative.",
        ),
        (
            "points_expiry_notice_days_positive",
            "CHECK(points_expiry_notice_days >= 0)",
            "The expiry notice cannot be negative.",
        ),
    ]

    @api.depends("program_type")
    def _compute_uses_point_lots(self):
        for program in self:
            program.uses_point_lots = program.program_type == "loyalty"

    def _lot_expiration_date(self, earned_on):
        """The last valid day of points earned on ``earned_on`` (None: never)."""
        self.ensure_one()
        if not self.points_validity_days:
            return None
        last_day = earned_on + timedelta(days=self.points_validity_days)
        if self.points_expiry_policy == "month_end":
            last_day = last_day.replace(day=calendar.monthrange(last_day.year, last_day.month)[1])
        return last_day
