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
    def _hold(self, cards, points):
        """Hold ``points[card.id]`` on each card: one statement (the company
        is taken from the card), on the payment path."""
        self.env.cr.execute(
            SQL(
                """INSERT INTO crm_retail_point_hold (card_id, company_id, points, create_uid,
                                                      write_uid, create_date, write_date)
                   SELECT c.id, c.company_id, u.points, %(uid)s, %(uid)s,
                          now() at time zone 'UTC', now() at time zone 'UTC'
                     FROM unnest(%(cards)s::int[], %(points)s::float8[]) AS u(card_id, points)
                     JOIN loyalty_card c ON c.id = u.card_id""",
                cards=cards.ids,
                points=[points[card.id] for card in cards],
                uid=self.env.uid,
            )
        )
        self.invalidate_model()

    @api.model
    def _release(self, cards, order):
        """Drop, per card, the hold matching what ``order`` spent.

        Plain SQL on purpose: this runs while the order is being paid, and
        the ORM's ``unlink`` drops the whole transaction's cache (the order
        and its lines would all be fetched again).
        """
        spent = {card.id: 0.0 for card in cards}
        for line in order.lines:
            if line.coupon_id.id in spent:
                spent[line.coupon_id.id] += line.points_cost or 0.0
        self.flush_model()
        for card_id, points in spent.items():
            self.env.cr.execute(
                SQL(
                    """DELETE FROM crm_retail_point_hold WHERE id = (
                           SELECT id FROM crm_retail_point_hold
                            WHERE card_id = %s AND ABS(points - %s) < 0.005
                            ORDER BY id LIMIT 1)""",
                    card_id,
                    points,
                )
            )
        self.invalidate_model()

    @api.autovacuum
    def _gc_expired_holds(self):
        self.search([("create_date", "<", self._cutoff())]).unlink()
