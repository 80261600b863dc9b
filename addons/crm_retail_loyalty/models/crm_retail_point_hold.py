# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

HOLD_MINUTES = 10


class CrmRetailPointHold(models.Model):
    """Points a terminal validated for spending and has not paid yet.

    Created under the card's row lock when the terminal validates the order,
    released when the order's spend is posted; a hold older than a few minutes
    (a terminal that never paid) no longer counts.
    """

    _name = "crm.retail.point.hold"
    _description = "Points Held for a POS Payment"
    _order = "id"

    card_id = fields.Many2one("loyalty.card", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="card_id.company_id", store=True)
    points = fields.Float(required=True)

    @api.model
    def _cutoff(self):
        return fields.Datetime.now() - timedelta(minutes=HOLD_MINUTES)

    @api.model
    def _held_points(self, cards):
        if not cards:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT card_id, SUM(points) FROM crm_retail_point_hold
                    WHERE card_id = ANY(%s) AND create_date >= %s GROUP BY card_id""",
                cards.ids,
                self._cutoff(),
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _release(self, cards, order):
        """Drop, per card, the hold matching what ``order`` spent."""
        for card in cards:
            spent = sum(
                order.lines.filtered(lambda l, c=card: l.coupon_id == c).mapped("points_cost")
            )
            holds = self.search([("card_id", "=", card.id)], order="id")
            holds.filtered(lambda h, s=spent: abs(h.points - s) < 0.005)[:1].unlink()

    @api.autovacuum
    def _gc_expired_holds(self):
        self.search([("create_date", "<", self._cutoff())]).unlink()
