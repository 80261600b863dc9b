# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


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
    points_rounding = fields.Selection(
        [
            ("none", "No rounding"),
            ("down", "Round down to whole points"),
            ("unit", "Per whole earning unit"),
        ],
        default="none",
        required=True,
        help="How an order's points are rounded on a member programme. Per whole earning "
        "unit: points are earned per full unit of money (with 0.1 point per TWD and a "
        "unit of 100, 10 points per full 100 TWD: 775 TWD earn 70). The tier "
        "multiplier is applied after, then rounded down to whole points.",
    )
    points_rounding_unit = fields.Float(
        string="Earning Unit",
        default=100.0,
        help="The amount of money of one earning unit (for 'Per whole earning unit').",
    )
    member_company_ids = fields.One2many(
        "res.company",
        "member_program_id",
        string="Member Programme Of",
        readonly=True,
    )
    uses_point_lots = fields.Boolean(
        string="Member Programme",
        compute="_compute_uses_point_lots",
        store=True,
        help="The member programme of a company: every earning is a lot with its own "
        "expiry, spent oldest first, and the server posts the points of each order. "
        "Every other programme works exactly as in Odoo.",
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

    @api.depends("program_type", "member_company_ids")
    def _compute_uses_point_lots(self):
        for program in self:
            program.uses_point_lots = bool(
                program.program_type == "loyalty" and program.member_company_ids
            )

    @api.constrains("program_type")
    def _check_member_program_type(self):
        for program in self:
            if program.member_company_ids and program.program_type != "loyalty":
                raise ValidationError(
                    self.env._(
                        "%(program)s is the member programme of %(companies)s: it must stay "
                        "a loyalty programme.",
                        program=program.display_name,
                        companies=", ".join(program.member_company_ids.mapped("name")),
                    )
                )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "uses_point_lots",
            "points_rounding",
            "points_rounding_unit",
        ]

    def _member_round_points(self, points, multiplier=1.0):
        """An order's points on this programme, rounded as it says, then the
        tier multiplier. The terminal (pos_order.js) rounds the same way."""
        self.ensure_one()
        epsilon = 1e-6
        if self.points_rounding == "down":
            points = math.floor(points + epsilon)
        elif self.points_rounding == "unit":
            step = self._member_points_step()
            points = math.floor(points / step + epsilon) * step
        points *= multiplier
        if self.points_rounding != "none":
            points = math.floor(points + epsilon)
        return points

    def _member_points_step(self):
        """Points of one whole earning unit: the unit times the money rule's rate."""
        rates = self.rule_ids.filtered(lambda r: r.reward_point_mode == "money").mapped(
            "reward_point_amount"
        )
        step = (self.points_rounding_unit or 0.0) * (rates[0] if rates else 0.0)
        return step if step > 0 else 1.0

    def _member_points_multiplier(self, partner):
        """The one rule for the till and online orders: a member programme
        multiplies what an order earns by the member's tier multiplier (the
        tier of the programme's company); every other programme by 1."""
        self.ensure_one()
        if not self.uses_point_lots or not partner:
            return 1.0
        member = partner.commercial_partner_id.sudo()
        if not member.is_member or member.member_company_id.member_program_id != self:
            return 1.0
        return member.member_tier_id.points_multiplier or 1.0

    def _ledger_open_cards(self):
        """Open the ledger of programmes that just became member programmes:
        a card that already holds points gets one opening lot for its balance,
        valid from today, so the balance equals its open lots from the start."""
        programs = self.filtered("uses_point_lots")
        if not programs:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO loyalty_history (card_id, ledger_kind, description, issued, used,
                                             is_lot, points_remaining, expiration_date,
                                             ledger_key, create_uid, write_uid,
                                             create_date, write_date)
                SELECT c.id, 'opening', %(description)s, c.points, 0, true, c.points,
                       %(expiry)s, 'opening:' || c.id, %(uid)s, %(uid)s,
                       now() at time zone 'UTC', now() at time zone 'UTC'
                  FROM loyalty_card c
                 WHERE c.program_id = ANY(%(programs)s) AND c.points > 0
                   AND NOT EXISTS (SELECT 1 FROM loyalty_history h
                                    WHERE h.card_id = c.id AND h.ledger_kind IS NOT NULL)
                ON CONFLICT DO NOTHING
                """,
                description=self.env._("Opening balance"),
                expiry=None,
                uid=self.env.uid,
                programs=programs.ids,
            )
        )
        self.env["loyalty.history"].invalidate_model()

    def _lot_expiration_date(self, earned_on):
        """The last valid day of points earned on ``earned_on`` (None: never)."""
        self.ensure_one()
        if not self.points_validity_days:
            return None
        last_day = earned_on + timedelta(days=self.points_validity_days)
        if self.points_expiry_policy == "month_end":
            last_day = last_day.replace(day=calendar.monthrange(last_day.year, last_day.month)[1])
        return last_day
