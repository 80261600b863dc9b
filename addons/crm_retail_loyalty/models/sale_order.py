# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import float_round

from ..tools.ledger_scope import ledger_flag, ledger_scope


class SaleOrder(models.Model):
    """Online orders (``sale_loyalty``) post their points through the ledger.

    Odoo writes one history row per card and then moves the card's balance;
    for cards with lots the same figures become a spend (oldest lots first)
    and a lot with its expiry, and cancelling the order reverses both with new
    rows instead of deleting the old ones.
    """

    _inherit = "sale.order"

    def _crm_member_card_ids(self):
        """Member cards this order moves (earns on, spends from)."""
        cards = self.coupon_point_ids.coupon_id | self.order_line.coupon_id
        return {card.id for card in cards.sudo() if card._uses_point_lots()}

    def action_confirm(self):
        # Odoo adds the order's net change to each card; member cards get
        # their points from the ledger postings instead
        with ledger_scope(external_points=self._crm_member_card_ids()):
            result = super().action_confirm()
        self._crm_profile_register(1)
        return result

    def _program_check_compute_points(self, programs):
        """Member programmes: the member's tier multiplier, as at the till."""
        result = super()._program_check_compute_points(programs)
        for program, status in result.items():
            if "points" not in status or not program.uses_point_lots:
                continue
            multiplier = program._member_points_multiplier(self.partner_id)
            status["points"] = [
                float_round(
                    program._member_round_points(points, multiplier),
                    precision_digits=2,
                    rounding_method="DOWN",
                )
                for points in status["points"]
            ]
        return result

    def _crm_profile_register(self, sign):
        """Online orders move the customer's purchase profile too."""
        Profile = self.env["crm.retail.customer.profile"].sudo()
        for order in self.filtered("partner_id"):
            Profile._register_order(
                order.partner_id,
                order.company_id,
                sign * order.amount_total,
                order.date_order,
                "online",
            )

    def _add_loyalty_history_lines(self):
        self.ensure_one()
        ledger_points = {}
        for coupon_point in self.coupon_point_ids:
            if coupon_point.coupon_id._uses_point_lots():
                ledger_points.setdefault(coupon_point.coupon_id, [0.0, 0.0])[0] += (
                    coupon_point.points
                )
        for line in self.order_line:
            if line.coupon_id and line.coupon_id._uses_point_lots():
                ledger_points.setdefault(line.coupon_id, [0.0, 0.0])[1] += line.points_cost
        if not ledger_points:
            return super()._add_loyalty_history_lines()
        description = self.env._("Order %s", self.display_name)
        earned_on = fields.Date.context_today(self)
        for card, (issued, cost) in ledger_points.items():
            card = card.sudo()
            card._ledger_spend(
                cost, description, order=self, key=f"sale.order:{self.id}:{card.id}:spend"
            )
            card._ledger_earn(
                issued,
                description,
                order=self,
                key=f"sale.order:{self.id}:{card.id}:earn",
                earned_on=earned_on,
            )
        # the cards without lots keep Odoo's own rows; Odoo's rows for member
        # cards are left out (the ledger wrote its own above), and so is the
        # balance change action_confirm writes next (cards it just created too)
        posted = {c.id for c in ledger_points}
        if ledger_flag("external_points") is not None:
            ledger_flag("external_points").update(posted)
        with ledger_scope(external_points=posted):
            return super()._add_loyalty_history_lines()

    def _action_cancel(self):
        previously_confirmed = self.filtered(lambda s: s.state == "sale")
        previously_confirmed._crm_profile_register(-1)
        History = self.env["loyalty.history"].sudo()
        for order in previously_confirmed:
            rows = History.search(
                [
                    ("order_model", "=", order._name),
                    ("order_id", "=", order.id),
                    ("ledger_kind", "in", ("earn", "spend")),
                ]
            )
            description = self.env._("Cancelled %s", order.display_name)
            for lot in rows.filtered(lambda r: r.ledger_kind == "earn"):
                lot.card_id._ledger_spend(
                    lot.issued,
                    description,
                    order=order,
                    kind="claw_back",
                    key=f"sale.order:{order.id}:{lot.card_id.id}:cancel_earn:{lot.id}",
                    prefer_lots=lot.ids,
                )
            for spend in rows.filtered(lambda r: r.ledger_kind == "spend"):
                spend.card_id._ledger_give_back(
                    spend,
                    spend.used,
                    description,
                    order=order,
                    key=f"sale.order:{order.id}:{spend.card_id.id}:cancel_spend:{spend.id}",
                )
        with ledger_scope(
            external_points=previously_confirmed._crm_member_card_ids(), keep_rows=True
        ):
            return super()._action_cancel()
