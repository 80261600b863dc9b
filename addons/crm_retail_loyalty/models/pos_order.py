# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, float_compare, float_round

from .crm_retail_customer_profile import PAID
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

    crm_points_pending = fields.Boolean(
        "Points Pending",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The order is paid but its member points could not be posted yet; "
        "a scheduled action posts them.",
    )
    crm_points_error = fields.Char("Points Error", readonly=True, copy=False)

    def init(self):
        res = super().init()
        # every sync looks the order up by uuid (pos.order._get_open_order); Odoo
        # does not index it, so each payment scans the whole order table
        self.env.cr.execute(
            SQL("CREATE INDEX IF NOT EXISTS pos_order_uuid_idx ON pos_order (uuid)")
        )
        # each payment reads the order's combo lines (Odoo 18 does not index
        # combo_parent_id either: a scan of every order line, 60 ms at 600k lines)
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS pos_order_line_combo_parent_idx
                   ON pos_order_line (combo_parent_id) WHERE combo_parent_id IS NOT NULL"""
            )
        )
        return res

    # ------------------------------------------------------------------
    # payment: the server's own posting
    # ------------------------------------------------------------------
    def action_pos_order_paid(self):
        result = super().action_pos_order_paid()
        self._loyalty_post_or_pend()
        return result

    def _loyalty_post_or_pend(self):
        """Post the order's points, profile and tier; never lose them.

        A database error (a serialization failure between two tills, a lock
        timeout) propagates as in Odoo's own ``action_pos_order_paid``: the
        whole sync rolls back and the terminal sends the order again. Any
        other failure leaves the order paid and marked "points pending", with
        the reason; ``_cron_post_pending_points`` posts it later.
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._loyalty_ledger_post()
                self._crm_profile_register()
                # the third purchase makes a VIP before the receipt prints
                self.partner_id.commercial_partner_id._member_tier_evaluate(upgrade_only=True)
        except psycopg2.Error:
            raise
        except Exception as error:
            _logger.exception("points of POS order %s are pending", self.name)
            self.sudo().write(
                {"crm_points_pending": True, "crm_points_error": str(error) or repr(error)}
            )
            return False
        if self.crm_points_pending:
            self.sudo().write({"crm_points_pending": False, "crm_points_error": False})
        return True

    @api.model
    def _cron_post_pending_points(self, chunk_size=200):
        """Post the points of paid orders marked "points pending", a bounded
        chunk a call. Rows are locked with SKIP LOCKED, so a second cron
        worker takes other orders; posting is idempotent per order and card."""
        self.env.cr.execute(
            SQL(
                """SELECT id FROM pos_order WHERE crm_points_pending
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                chunk_size,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        posted = 0
        for order in self.sudo().browse(ids):
            if (
                order.crm_points_pending
                and order.with_company(order.company_id)._loyalty_post_or_pend()
            ):
                posted += 1
        last = max(ids) if ids else 0
        remaining = self.sudo().search_count([("crm_points_pending", "=", True), ("id", ">", last)])
        _logger.info("posted the pending points of %s of %s POS orders", posted, len(ids))
        self.env["ir.cron"]._notify_progress(done=len(ids), remaining=remaining)
        return posted

    @api.model
    def _loyalty_orders_missing_postings(self, days=3, limit=5000):
        """Paid orders of members in the last ``days`` without any ledger row
        (and not already marked pending): candidates the nightly check posts."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT o.id
                  FROM pos_order o
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN res_partner m ON m.id = p.commercial_partner_id
                  JOIN res_company co ON co.id = o.company_id
                 WHERE o.state IN %(paid)s
                   AND o.date_order >= (now() at time zone 'UTC') - make_interval(days => %(days)s)
                   AND NOT COALESCE(o.crm_points_pending, false)
                   AND m.is_member AND m.member_company_id = o.company_id
                   AND co.member_program_id IS NOT NULL
                   AND NOT EXISTS (SELECT 1 FROM loyalty_history h
                                    WHERE h.order_model = 'pos.order' AND h.order_id = o.id)
                 ORDER BY o.id
                 LIMIT %(limit)s
                """,
                paid=PAID,
                days=days,
                limit=limit,
            )
        )
        return self.sudo().browse([row[0] for row in self.env.cr.fetchall()])

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
        """The member programme of the order's company, when its till runs it
        (the same test as ``pos.config._get_program_ids``, without a search)."""
        program = self.company_id.sudo().member_program_id
        if (
            program.active
            and program.uses_point_lots
            and program.pos_ok
            and (not program.pos_config_ids or self.config_id in program.pos_config_ids)
        ):
            return program
        return program.browse()

    def _loyalty_ledger_post(self):
        """Post what the order spent and earned on member cards.

        An exchange (one order that refunds some items and sells others) posts
        both sides: the refunded lines take back and give back, the sold lines
        earn and spend.
        """
        self.ensure_one()
        if self.state not in PAID:
            return
        refund_lines = self.lines.filtered("refunded_orderline_id")
        if refund_lines:
            self._loyalty_ledger_post_refund(refund_lines)
        sale_lines = self.lines - refund_lines
        if not sale_lines:
            return
        earned_on = fields.Date.context_today(self, self.date_order)
        description = self.env._("Onsite %(order)s", order=self.display_name)
        # points spent by reward lines, per card
        spent = defaultdict(float)
        for line in sale_lines.filtered(lambda l: l.is_reward_line and l.coupon_id):
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
        """What this order's sold lines earn on ``program``, by Odoo's rules.

        The terminal's ``pointsForPrograms`` less ``_getPointsCorrection``, as
        pos_loyalty computes them: 'order', 'money' (half-up to 0.01) and
        'unit' rules, minimum quantity and amount, product domains. Reward
        lines of the programme itself earn nothing (its discounts are not
        counted, its free products are taken back out), nor do gift card and
        eWallet lines; other programmes' discounts lower the amount. Then the
        member's tier multiplier, the same rule as for online orders.
        """
        self.ensure_one()
        if not self.partner_id:
            return 0.0
        sale_lines = self.lines.filtered(lambda l: not l.refunded_orderline_id)
        lines = sale_lines.filtered(
            lambda l: (
                not (
                    l.is_reward_line
                    and l.reward_id
                    and (
                        l.reward_id.program_id == program
                        or l.reward_id.program_id.program_type in ("gift_card", "ewallet")
                    )
                )
            )
        )
        own_free_products = sale_lines.filtered(
            lambda l: (
                l.is_reward_line
                and l.reward_id.program_id == program
                and l.reward_id.reward_type == "product"
            )
        )
        points = 0.0
        for rule in program.rule_ids:
            if rule.mode == "with_code":
                continue
            domain = rule._get_valid_product_domain()
            if domain:
                candidates = (lines | own_free_products).product_id | (
                    own_free_products.reward_id.reward_product_ids
                )
                valid = self.env["product.product"].search([("id", "in", candidates.ids), *domain])
            else:
                valid = None

            def matches(line, valid=valid):
                return valid is None or line.product_id in valid

            rule_lines = lines.filtered(matches)
            # the minimum amount ignores automatic discounts, as the terminal does
            check_lines = rule_lines.filtered(
                lambda l: (
                    not (
                        l.is_reward_line
                        and l.reward_id.reward_type == "discount"
                        and l.reward_id.program_id.trigger == "auto"
                    )
                )
            )
            amount_incl = sum(rule_lines.mapped("price_subtotal_incl"))
            if rule.minimum_amount_tax_mode == "incl":
                amount_check = sum(check_lines.mapped("price_subtotal_incl"))
            else:
                amount_check = sum(check_lines.mapped("price_subtotal"))
            minimum = rule._compute_amount(self.currency_id) if rule.minimum_amount else 0.0
            if minimum > amount_check:
                continue
            quantity = sum(rule_lines.filtered(lambda l: not l.is_reward_line).mapped("qty"))
            if quantity < rule.minimum_qty:
                continue
            if rule.reward_point_mode == "order":
                points += rule.reward_point_amount
                continue
            if rule.reward_point_mode == "money":
                points += float_round(
                    rule.reward_point_amount * amount_incl,
                    precision_rounding=0.01,
                    rounding_method="HALF-UP",
                )
            elif rule.reward_point_mode == "unit":
                points += rule.reward_point_amount * quantity
            # the programme's own free products earn nothing
            for line in own_free_products:
                reward_products = line.reward_id.reward_product_ids
                if valid is not None and not (reward_products & valid):
                    continue
                if rule.reward_point_mode == "money":
                    points -= float_round(
                        rule.reward_point_amount * -line.price_subtotal_incl,
                        precision_rounding=0.01,
                        rounding_method="HALF-UP",
                    )
                else:
                    points -= rule.reward_point_amount * line.qty
        multiplier = program._member_points_multiplier(self.partner_id)
        points = program._member_round_points(max(points, 0.0), multiplier)
        return float_round(points, precision_rounding=PRECISION)

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
                base_lines = original.lines.filtered(
                    lambda l: not l.is_reward_line and not l.refunded_orderline_id
                )
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
    def _loyalty_check_pos_cards(self, card_ids, program_ids=()):
        """Cards (and programmes) a terminal sends must be of the order's
        company and of a programme its till runs; anything else is refused.
        Without an order (``validate_coupon_programs``) the companies are the
        ones the user works in (Odoo checks the request's allowed companies
        against the user's) and the programme one the POS runs."""
        card_ids = [int(i) for i in card_ids if int(i) > 0]
        cards = self.env["loyalty.card"].sudo().browse(card_ids).exists()
        programs = cards.program_id | self.env["loyalty.program"].sudo().browse(
            [int(i) for i in program_ids if i]
        )
        if self:
            self.ensure_one()
            companies = self.company_id
            # pos.config._get_program_ids's test, on the programmes at hand
            allowed = programs.filtered(
                lambda p: p.pos_ok and (not p.pos_config_ids or self.config_id in p.pos_config_ids)
            )
        else:
            companies = self.env["res.company"] if self.env.su else self.env.companies
            allowed = programs.filtered("pos_ok")

        def foreign(company):
            return company and not (self.env.su and not self) and company not in companies

        bad = cards.filtered(lambda c: foreign(c.company_id) or c.program_id not in allowed)
        bad_programs = programs.filtered(lambda p: p not in allowed or foreign(p.company_id))
        if bad or bad_programs:
            raise AccessError(
                self.env._(
                    "This till cannot use these cards or programmes: %(cards)s. They belong "
                    "to another company or to a programme this point of sale does not run.",
                    cards=", ".join(bad.mapped("code") or bad_programs.mapped("name")),
                )
            )
        return cards

    def validate_coupon_programs(self, point_changes, new_codes):
        """Also hold the points a terminal is about to spend.

        The card row is locked while the balance minus the other terminals'
        holds is checked, so two terminals spending from one card at the same
        moment cannot both pass: the second gets Odoo's "not enough points".
        """
        checked = self._loyalty_check_pos_cards(list(point_changes))
        result = super().validate_coupon_programs(point_changes, new_codes)
        if not result.get("successful"):
            return result
        spends = {
            int(card_id): -change
            for card_id, change in point_changes.items()
            if int(card_id) > 0 and change < 0
        }
        cards = checked.filtered(lambda c: c.id in spends and c._uses_point_lots())
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
        Hold._hold(cards, spends)
        return result

    def confirm_coupon_programs(self, coupon_data):
        """Odoo's card linking and coupon creation; member cards keep the
        server's figure: the terminal's net change for them is not applied."""
        self.ensure_one()
        coupon_data = {int(k): v for k, v in coupon_data.items()}
        gift_card_ids = [v["giftCardId"] for v in coupon_data.values() if v.get("giftCardId")]
        checked = self._loyalty_check_pos_cards(
            [*coupon_data, *gift_card_ids],
            [v.get("program_id") for v in coupon_data.values()],
        )
        member_programs = (
            self.env["loyalty.program"]
            .sudo()
            .browse({int(v["program_id"]) for v in coupon_data.values() if v.get("program_id")})
            .filtered("uses_point_lots")
        )
        member_cards = checked.filtered(lambda c: c._uses_point_lots())
        client_points = {k: v.get("points") for k, v in coupon_data.items()}
        sent = {
            k: dict(v, points=0)
            if (k in member_cards.ids or int(v.get("program_id") or 0) in member_programs.ids)
            else v
            for k, v in coupon_data.items()
        }
        result = super().confirm_coupon_programs(sent)
        cards = (
            self.env["loyalty.card"]
            .sudo()
            .browse([u["id"] for u in result.get("coupon_updates", [])])
            .filtered(lambda c: c._uses_point_lots())
        )
        if cards:
            # the points were posted, and the order's holds released, when the
            # order was paid; this call only reports the server's balances
            # (releasing again here would drop another terminal's hold)
            self._loyalty_log_discrepancies(cards, client_points, result)
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
            client = coupon_data.get(old_ids.get(card.id))
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
        """Ledger cards already have their rows: skip them, whatever arrives;
        other cards must be of this order's company and programmes."""
        self.ensure_one()
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
        self._loyalty_check_pos_cards(
            [id_mapping.get(int(c["card_id"])) or int(c["card_id"]) for c in remaining]
        )
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
