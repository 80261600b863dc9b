# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL, float_compare, float_round

from .loyalty_card import PRECISION

_logger = logging.getLogger(__name__)


class PosOrder(models.Model):
    """Points at the till, posted by the server when the order is paid.

    The terminal computes points and later sends the card's net change
    (``confirm_coupon_programs``) and, without waiting, history lines
    (``add_loyalty_history_lines``). For cards with lots the server does not
    trust either call: when the order is paid it recomputes what the order
    earns from the programme's rules, takes what the reward lines spent, and
    writes both to the ledger under an idempotency key. The two terminal calls
    then only link cards and report balances; a missing, repeated or
    disagreeing call changes nothing in the ledger.
    """

    _inherit = "pos.order"

    def init(self):
        res = super().init()
        # every sync looks the order up by uuid (pos.order._get_open_order); Odoo
        # does not index it, so each payment scans the whole order table
        self.env.cr.execute(
            SQL("CREATE INDEX IF NOT EXISTS pos_order_uuid_idx ON pos_order (uuid)")
        )
        return res

    # ------------------------------------------------------------------
    # payment: the server's own posting
    # ------------------------------------------------------------------
    def action_pos_order_paid(self):
        result = super().action_pos_order_paid()
        try:
            with self.env.cr.savepoint():
                self._loyalty_ledger_post()
                self._crm_profile_register()
                # the third purchase makes a VIP before the receipt prints
                self.partner_id.commercial_partner_id._member_tier_evaluate(upgrade_only=True)
        except Exception:
            # the order is paid and kept whatever happens to its points
            _logger.exception("points of POS order %s could not be posted", self.name)
        return result

    def _crm_profile_register(self):
        """The customer's purchase profile moves by this order (or refund)."""
        if self.partner_id:
            self.env["crm.retail.customer.profile"].sudo()._register_order(
                self.partner_id,
                self.company_id,
                self.amount_total,
                self.date_order,
                str(self.config_id.id),
            )

    def _loyalty_ledger_key(self, card, what):
        return f"pos.order:{self.id}:{card.id}:{what}"

    def _loyalty_member_card(self, program):
        """The partner's card on ``program``, created when missing."""
        partner = self.partner_id.commercial_partner_id if self.partner_id else None
        if not partner:
            return self.env["loyalty.card"]
        Card = self.env["loyalty.card"].sudo()
        card = Card.search(
            [
                ("partner_id", "in", (self.partner_id | partner).ids),
                ("program_id", "=", program.id),
            ],
            limit=1,
        )
        return card or Card.with_context(action_no_send_mail=True).create(
            {"partner_id": partner.id, "program_id": program.id, "points": 0}
        )

    def _loyalty_ledger_programs(self):
        """Programmes with lots that this order's till runs."""
        programs = self.config_id._get_program_ids()
        return programs.filtered(
            lambda p: (
                p.program_type == "loyalty"
                and p.active
                and p.company_id in (self.company_id, self.env["res.company"])
            )
        )

    def _loyalty_ledger_post(self):
        self.ensure_one()
        if self.state not in ("paid", "done", "invoiced"):
            return
        refund_lines = self.lines.filtered("refunded_orderline_id")
        if refund_lines:
            self._loyalty_ledger_post_refund(refund_lines)
            return
        earned_on = fields.Date.context_today(self, self.date_order)
        description = self.env._("Onsite %(order)s", order=self.display_name)
        # points spent by reward lines, per card
        spent = defaultdict(float)
        for line in self.lines.filtered(lambda l: l.is_reward_line and l.coupon_id):
            if line.coupon_id._uses_point_lots():
                spent[line.coupon_id] += line.points_cost or 0.0
        for card, points in spent.items():
            card._ledger_spend(
                points, description, order=self, key=self._loyalty_ledger_key(card, "spend")
            )
        if spent:
            self.env["crm.retail.point.hold"].sudo()._release(
                self.env["loyalty.card"].union(*spent), self
            )
        for program in self._loyalty_ledger_programs():
            points = self._loyalty_points_earned(program)
            if float_compare(points, 0.0, precision_rounding=PRECISION) <= 0:
                continue
            card = self._loyalty_member_card(program)
            if card:
                card._ledger_earn(
                    points,
                    description,
                    order=self,
                    key=self._loyalty_ledger_key(card, "earn"),
                    earned_on=earned_on,
                )

    def _loyalty_points_earned(self, program):
        """What this order earns on ``program``, from the programme's rules.

        Mirrors the terminal's ``pointsForPrograms`` for programmes that apply
        to the current order: 'order', 'money' (half-up to 0.01) and 'unit'
        rules, minimum quantity and amount, product filters; reward lines of
        the same programme, gift cards and eWallets do not earn.
        """
        self.ensure_one()
        if not self.partner_id:
            return 0.0
        points = 0.0
        lines = self.lines.filtered(
            lambda l: (
                not l.is_reward_line
                or (
                    l.reward_id.program_id != program
                    and l.reward_id.program_id.program_type not in ("gift_card", "ewallet")
                )
            )
        )
        for rule in program.rule_ids:
            if rule.mode == "with_code":
                continue
            domain = rule._get_valid_product_domain()
            if domain:
                valid = self.env["product.product"].search(
                    [("id", "in", lines.product_id.ids), *domain]
                )
                rule_lines = lines.filtered(lambda l, valid=valid: l.product_id in valid)
            else:
                rule_lines = lines
            amount_incl = sum(rule_lines.mapped("price_subtotal_incl"))
            amount_excl = sum(rule_lines.mapped("price_subtotal"))
            minimum = rule._compute_amount(self.currency_id) if rule.minimum_amount else 0.0
            amount_check = amount_incl if rule.minimum_amount_tax_mode == "incl" else amount_excl
            if minimum > amount_check:
                continue
            quantity = sum(rule_lines.filtered(lambda l: not l.is_reward_line).mapped("qty"))
            if quantity < rule.minimum_qty:
                continue
            if rule.reward_point_mode == "order":
                points += rule.reward_point_amount
            elif rule.reward_point_mode == "money":
                points += float_round(
                    rule.reward_point_amount * amount_incl,
                    precision_rounding=0.01,
                    rounding_method="HALF-UP",
                )
            elif rule.reward_point_mode == "unit":
                points += rule.reward_point_amount * quantity
        # the member's tier when the order was rung up, as the terminal knew it
        multiplier = self.partner_id.commercial_partner_id.member_tier_id.points_multiplier or 1.0
        return float_round(points * multiplier, precision_rounding=PRECISION)

    # ------------------------------------------------------------------
    # refunds
    # ------------------------------------------------------------------
    def _loyalty_ledger_post_refund(self, refund_lines):
        """Take back what the refunded lines earned, give back what they spent."""
        self.ensure_one()
        History = self.env["loyalty.history"].sudo()
        description = self.env._("Refund %(order)s", order=self.display_name)
        for original in refund_lines.refunded_orderline_id.order_id:
            mine = refund_lines.filtered(
                lambda l, o=original: l.refunded_orderline_id.order_id == o
            )
            rows = History.search(
                [
                    ("order_model", "=", "pos.order"),
                    ("order_id", "=", original.id),
                    ("ledger_kind", "in", ("earn", "spend")),
                ]
            )
            # earned points, in proportion to the refunded share of what earned them
            for lot in rows.filtered(lambda r: r.ledger_kind == "earn"):
                base_lines = original.lines.filtered(lambda l: not l.is_reward_line)
                base = sum(base_lines.mapped("price_subtotal_incl"))
                refunded = -sum(
                    mine.filtered(lambda l: not l.refunded_orderline_id.is_reward_line).mapped(
                        "price_subtotal_incl"
                    )
                )
                if base <= 0 or refunded <= 0:
                    continue
                points = float_round(
                    lot.issued * min(refunded / base, 1.0), precision_rounding=PRECISION
                )
                lot.card_id._ledger_spend(
                    points,
                    description,
                    order=self,
                    key=self._loyalty_ledger_key(lot.card_id, f"claw_back:{lot.id}"),
                    kind="claw_back",
                    prefer_lots=lot.ids,
                )
            # points spent on refunded reward lines
            for line in mine.filtered(lambda l: l.refunded_orderline_id.is_reward_line):
                origin = line.refunded_orderline_id
                card = origin.coupon_id
                if not card or not card._uses_point_lots() or not origin.qty:
                    continue
                spend_rows = rows.filtered(
                    lambda r, c=card: r.ledger_kind == "spend" and r.card_id == c
                )
                points = float_round(
                    (origin.points_cost or 0.0) * min(abs(line.qty / origin.qty), 1.0),
                    precision_rounding=PRECISION,
                )
                card._ledger_give_back(
                    spend_rows,
                    points,
                    description,
                    order=self,
                    key=self._loyalty_ledger_key(card, f"give_back:{line.id}"),
                )

    # ------------------------------------------------------------------
    # the terminal's calls
    # ------------------------------------------------------------------
    def validate_coupon_programs(self, point_changes, new_codes):
        """Also hold the points a terminal is about to spend.

        The card row is locked while the balance minus the other terminals'
        holds is checked, so two terminals spending from one card at the same
        moment cannot both pass: the second gets Odoo's "not enough points".
        """
        result = super().validate_coupon_programs(point_changes, new_codes)
        if not result.get("successful"):
            return result
        spends = {
            int(card_id): -change
            for card_id, change in point_changes.items()
            if int(card_id) > 0 and change < 0
        }
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .browse(list(spends))
            .exists()
            .filtered(lambda c: c._uses_point_lots())
        )
        if not cards:
            return result
        cards._ledger_lock()
        Hold = self.env["crm.retail.point.hold"].sudo()
        held = Hold._held_points(cards)
        for card in cards:
            available = card.points - held.get(card.id, 0.0)
            if float_compare(available, spends[card.id], precision_rounding=PRECISION) < 0:
                return {
                    "successful": False,
                    "payload": {
                        "message": self.env._(
                            "There are not enough points for the coupon: %s.", card.code
                        ),
                        "updated_points": {c.id: c.points - held.get(c.id, 0.0) for c in cards},
                    },
                }
        Hold.create([{"card_id": card.id, "points": spends[card.id]} for card in cards])
        return result

    def confirm_coupon_programs(self, coupon_data):
        """Odoo's card linking and coupon creation; ledger cards keep the
        server's figure instead of the terminal's net change."""
        coupon_data = {int(k): v for k, v in coupon_data.items()}
        result = super(
            PosOrder, self.with_context(crm_ledger_external_points=True)
        ).confirm_coupon_programs(coupon_data)
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .browse([u["id"] for u in result.get("coupon_updates", [])])
            .exists()
            .filtered(lambda c: c._uses_point_lots())
        )
        if cards:
            # the points were posted, and the order's holds released, when the
            # order was paid; this call only reports the server's balances
            # (releasing again here would drop another terminal's hold)
            self._loyalty_log_discrepancies(cards, coupon_data, result)
            for update in result["coupon_updates"]:
                card = cards.filtered(lambda c, u=update: c.id == u["id"])
                if card:
                    update["points"] = card.points
        return result

    def _loyalty_log_discrepancies(self, cards, coupon_data, result):
        """Log on the card when the terminal's figure differs from the server's."""
        old_ids = {u["id"]: u["old_id"] for u in result.get("coupon_updates", [])}
        History = self.env["loyalty.history"].sudo()
        History.flush_model(["card_id", "order_id", "order_model", "issued", "used"])
        for card in cards:
            client = coupon_data.get(old_ids.get(card.id), {}).get("points")
            if client is None:
                continue
            self.env.cr.execute(
                SQL(
                    """SELECT COALESCE(SUM(issued), 0) - COALESCE(SUM(used), 0)
                         FROM loyalty_history
                        WHERE order_id = %s AND order_model = %s AND card_id = %s""",
                    self.id,
                    self._name,
                    card.id,
                )
            )
            server = self.env.cr.fetchone()[0]
            if float_compare(client, server, precision_rounding=PRECISION):
                card.message_post(
                    body=self.env._(
                        "Order %(order)s: the terminal computed %(client)s points, the server "
                        "%(server)s from the programme rules; the server's figure was kept.",
                        order=self.display_name,
                        client=client,
                        server=server,
                    )
                )

    def add_loyalty_history_lines(self, coupon_data, coupon_updates):
        """Ledger cards already have their rows: skip them, whatever arrives."""
        id_mapping = {item["old_id"]: int(item["id"]) for item in coupon_updates}
        card_ids = {id_mapping.get(int(c["card_id"])) or int(c["card_id"]) for c in coupon_data}
        ledger = {
            card.id
            for card in self.env["loyalty.card"].sudo().browse(list(card_ids)).exists()
            if card._uses_point_lots()
        }
        remaining = [
            c
            for c in coupon_data
            if (id_mapping.get(int(c["card_id"])) or int(c["card_id"])) not in ledger
        ]
        if not remaining:
            return True
        return super().add_loyalty_history_lines(remaining, coupon_updates)

    def _loyalty_ledger_rows(self):
        self.ensure_one()
        return (
            self.env["loyalty.history"]
            .sudo()
            .search([("order_model", "=", self._name), ("order_id", "=", self.id)])
        )

    def _get_loyalty_receipt_data(self):
        """Points earned, new balance and next expiry for the receipt."""
        self.ensure_one()
        rows = self._loyalty_ledger_rows()
        data = []
        for card in rows.card_id:
            mine = rows.filtered(lambda r, c=card: r.card_id == c)
            data.append(
                {
                    "card_id": card.id,
                    "program": card.program_id.name,
                    "earned": sum(mine.mapped("issued")),
                    "spent": sum(mine.mapped("used")),
                    "balance": card.points,
                    "next_expiry_date": card.next_expiry_date or False,
                    "expiring": card.points_expiring,
                }
            )
        return data
