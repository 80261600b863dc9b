# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, float_round

from ..tools.ledger_scope import ledger_flag, ledger_internal, ledger_scope

_logger = logging.getLogger(__name__)

PRECISION = 0.01


def _round(points):
    return float_round(points, precision_rounding=PRECISION)


class LoyaltyCard(models.Model):
    """The points ledger lives on the card.

    Every change of ``points`` on a card of a programme with lots goes through
    ``_ledger_post_*``: the card row is locked, the ledger rows are written and
    the card's balance is set to the sum of its open lots. A write of
    ``points`` from anywhere else (an import, another module, Odoo's partner
    merge) is turned into ledger rows too, so the invariant
    ``points == sum(points_remaining of its lots)`` always holds.
    """

    _inherit = "loyalty.card"

    points_expiring = fields.Float(
        string="Points Expiring Soon",
        compute="_compute_points_expiry",
        help="Points whose lots expire within the programme's notice window.",
    )
    next_expiry_date = fields.Date(compute="_compute_points_expiry")
    next_expiry_points = fields.Float(
        string="Points at Next Expiry",
        compute="_compute_points_expiry",
        help="Points of the lots that expire on the next expiry date.",
    )
    points_expiry_notice_days = fields.Integer(related="program_id.points_expiry_notice_days")
    lot_ids = fields.One2many(
        "loyalty.history",
        "card_id",
        string="Open Lots",
        domain=[("is_lot", "=", True), ("points_remaining", ">", 0)],
        readonly=True,
    )

    # ------------------------------------------------------------------
    # balance figures
    # ------------------------------------------------------------------
    @api.depends("points", "program_id.points_expiry_notice_days")
    def _compute_points_expiry(self):
        today = fields.Date.context_today(self)
        self.points_expiring = 0.0
        self.next_expiry_date = False
        self.next_expiry_points = 0.0
        cards = self.filtered(lambda c: c.id and c.program_id.uses_point_lots)
        if not cards:
            return
        self.env["loyalty.history"].flush_model(
            ["card_id", "is_lot", "points_remaining", "expiration_date"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT h.card_id,
                       MIN(h.expiration_date),
                       SUM(h.points_remaining) FILTER (
                           WHERE h.expiration_date <= %(today)s::date
                                 + COALESCE(p.points_expiry_notice_days, 0)),
                       SUM(h.points_remaining) FILTER (
                           WHERE h.expiration_date = (
                               SELECT MIN(n.expiration_date) FROM loyalty_history n
                                WHERE n.card_id = h.card_id AND n.is_lot
                                  AND n.points_remaining > 0
                                  AND n.expiration_date IS NOT NULL))
                  FROM loyalty_history h
                  JOIN loyalty_card c ON c.id = h.card_id
                  JOIN loyalty_program p ON p.id = c.program_id
                 WHERE h.card_id = ANY(%(ids)s)
                   AND h.is_lot AND h.points_remaining > 0
                   AND h.expiration_date IS NOT NULL
                 GROUP BY h.card_id
                """,
                today=today,
                ids=cards.ids,
            )
        )
        for card_id, next_date, expiring, at_next in self.env.cr.fetchall():
            card = self.browse(card_id)
            card.next_expiry_date = next_date
            card.points_expiring = expiring or 0.0
            card.next_expiry_points = at_next or 0.0

    @api.model
    def _load_pos_data_domain(self, data):
        """Member cards are fetched one by one when a member is picked, so the
        terminal's start-up does not grow with the number of members."""
        return [*super()._load_pos_data_domain(data), ("program_id.uses_point_lots", "=", False)]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "points_expiring",
            "next_expiry_date",
            "next_expiry_points",
            "points_expiry_notice_days",
        ]

    def _uses_point_lots(self):
        """Whether the card is on a member programme (the lot ledger); every
        other programme's cards behave exactly as in Odoo."""
        self.ensure_one()
        return self.program_id.sudo().uses_point_lots

    # ------------------------------------------------------------------
    # every other path that changes points becomes ledger rows
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        """Cards of member programmes open with a lot, never a bare balance;
        every other card is created exactly as Odoo creates it."""
        programs = (
            self.env["loyalty.program"]
            .sudo()
            .browse({vals.get("program_id") for vals in vals_list if vals.get("program_id")})
        )
        member_programs = programs.filtered("uses_point_lots").ids
        opening = {}
        for index, vals in enumerate(vals_list):
            if vals.get("program_id") in member_programs and vals.get("points"):
                self._ledger_check_manager()
                opening[index] = vals["points"]
                vals["points"] = 0
        cards = super().create(vals_list)
        for index, points in opening.items():
            cards[index].sudo()._ledger_adjust(
                points, self.env._("Opening balance"), kind="opening"
            )
        return cards

    def write(self, vals):
        if "points" not in vals or ledger_flag("internal"):
            return super().write(vals)
        ledger_cards = self.filtered(lambda c: c._uses_point_lots())
        others = self - ledger_cards
        result = True
        if others:
            result = super(LoyaltyCard, others).write(vals)
        if not ledger_cards:
            return result
        rest = dict(vals)
        new_points = _round(rest.pop("points") or 0.0)
        changed = ledger_cards.filtered(
            lambda c: float_compare(new_points, c.points, precision_rounding=PRECISION)
        )
        if (
            changed
            and ledger_flag("external_points") is not None
            and (set(changed.ids) <= ledger_flag("external_points"))
        ):
            # Odoo's POS or sales code moves the balance of cards whose points
            # this order posts through the ledger itself: the ledger's figure stands
            changed = self.browse()
        if changed and not self.env.su:
            self._ledger_check_manager()
            raise UserError(
                self.env._(
                    "A member's points change only through the ledger: use Update Balance "
                    "on the card and give a reason."
                )
            )
        if rest:
            result = super(LoyaltyCard, ledger_cards).write(rest) and result
        for card in changed:
            # a path of the server's own code (a merge, another module) set a
            # new balance: record the difference as a correction
            difference = _round(new_points - card.points)
            card._ledger_adjust(difference, self.env._("Balance change"))
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_member_points(self):
        if self.env.su:
            return
        if self.filtered(lambda c: c._uses_point_lots() and c.points):
            self._ledger_check_manager()
            raise UserError(
                self.env._(
                    "This member card still holds points: bring its balance to zero with "
                    "Update Balance (and a reason) before deleting it."
                )
            )

    @api.model
    def _ledger_check_manager(self):
        """Raise unless the user is a loyalty manager (or the server itself)."""
        if self.env.su or self.env.user.has_group(
            "crm_retail_loyalty.crm_retail_loyalty_group_manager"
        ):
            return
        raise AccessError(self.env._("Only a loyalty manager can change a member's points."))

    # ------------------------------------------------------------------
    # the ledger
    # ------------------------------------------------------------------
    def _ledger_lock(self, key=None):
        """Lock the cards' rows until the end of the transaction; return
        whether a posting with the idempotency ``key`` exists.

        The rows are also touched: Odoo runs requests in REPEATABLE READ, so a
        second request that waited for this lock then fails with a
        serialization error and is retried by Odoo on a fresh snapshot, where
        it sees what this one wrote (points spent, points held). The same
        statement reads the locked balances into the cache and looks for the
        key, so a posting costs no extra round trips for either.
        """
        if not self.ids:
            return False
        self.flush_recordset(["points"])
        if key:
            self.env["loyalty.history"].flush_model(["ledger_key"])
        self.env.cr.execute(
            SQL(
                """
                WITH locked AS (
                    UPDATE loyalty_card SET write_date = write_date
                     WHERE id IN (SELECT id FROM loyalty_card WHERE id = ANY(%(ids)s)
                                   ORDER BY id FOR NO KEY UPDATE)
                 RETURNING id, points
                )
                SELECT locked.id, locked.points,
                       %(key)s::varchar IS NOT NULL AND EXISTS (
                           SELECT 1 FROM loyalty_history WHERE ledger_key = %(key)s)
                  FROM locked
                """,
                ids=self.ids,
                key=key,
            )
        )
        rows = self.env.cr.fetchall()
        self.invalidate_recordset(["points"])
        field = self._fields["points"]
        for card_id, points, _done in rows:
            self.env.cache.set(self.browse(card_id), field, points or 0.0)
        return any(done for _card, _points, done in rows)

    def _ledger_set_balance(self):
        """Set the card's points to the sum of its open lots."""
        self.ensure_one()
        self.env["loyalty.history"].flush_model(["points_remaining"])
        self.env.cr.execute(
            SQL(
                """SELECT COALESCE(SUM(points_remaining), 0) FROM loyalty_history
                    WHERE card_id = %s AND is_lot AND points_remaining > 0""",
                self.id,
            )
        )
        balance = _round(self.env.cr.fetchone()[0])
        if float_compare(balance, self.points, precision_rounding=PRECISION):
            with ledger_scope(internal=True):
                self.sudo().points = balance

    def _ledger_vals(self, kind, description, order=None, key=None):
        vals = {
            "card_id": self.id,
            "ledger_kind": kind,
            "description": description,
            "ledger_key": key,
            "issued": 0.0,
            "used": 0.0,
        }
        if order:
            vals.update(order_model=order._name, order_id=order.id)
        return vals

    @ledger_internal
    def _ledger_earn(
        self,
        points,
        description,
        order=None,
        key=None,
        earned_on=None,
        kind="earn",
        expiration_date=None,
    ):
        """Add a lot of ``points``. Returns the lot (or an empty recordset)."""
        self.ensure_one()
        History = self.env["loyalty.history"].sudo()
        points = _round(points)
        done = self._ledger_lock(key)
        if points <= 0 or done:
            return History
        earned_on = earned_on or fields.Date.context_today(self)
        if expiration_date is None:  # False: explicitly no expiry
            expiration_date = self.program_id._lot_expiration_date(earned_on)
        lot = History.create(
            dict(
                self._ledger_vals(kind, description, order, key),
                issued=points,
                is_lot=True,
                points_remaining=points,
                expiration_date=expiration_date,
            )
        )
        if self.program_id.points_validity_days and self.program_id.points_expiry_policy == (
            "inactivity"
        ):
            # a purchase keeps every open lot alive for another N days
            self.env.cr.execute(
                SQL(
                    """UPDATE loyalty_history SET expiration_date = %s
                        WHERE card_id = %s AND is_lot AND points_remaining > 0
                          AND expiration_date < %s""",
                    expiration_date,
                    self.id,
                    expiration_date,
                )
            )
            History.invalidate_model(["expiration_date"])
        self._ledger_set_balance()
        return lot

    def _ledger_consume_plan(self, points, prefer_lots=None):
        """Which open lots give ``points``: ``prefer_lots`` first, then the
        earliest expiry first. Returns [(lot_id, remaining, take)] and the
        points actually available."""
        self.env["loyalty.history"].flush_model(["card_id", "is_lot", "points_remaining"])
        self.env.cr.execute(
            SQL(
                """SELECT id, points_remaining FROM loyalty_history
                    WHERE card_id = %s AND is_lot AND points_remaining > 0
                    ORDER BY id = ANY(%s) DESC, expiration_date ASC NULLS LAST, id""",
                self.id,
                list(prefer_lots or []),
            )
        )
        left = points
        plan = []
        for lot_id, remaining in self.env.cr.fetchall():
            if left <= 0:
                break
            take = _round(min(remaining, left))
            plan.append((lot_id, remaining, take))
            left = _round(left - take)
        return plan, _round(points - left)

    def _ledger_apply_usages(self, row, usages):
        """Move the lots' remaining points and record the usages of ``row``
        (``usages``: [(lot_id, new_remaining, points)], points negative when
        given back), in two statements whatever the number of lots."""
        if not usages:
            return
        self.env.cr.execute(
            SQL(
                """UPDATE loyalty_history h SET points_remaining = u.remaining
                     FROM unnest(%(lots)s::int[], %(remaining)s::float8[]) AS u(id, remaining)
                    WHERE h.id = u.id""",
                lots=[lot for lot, _r, _p in usages],
                remaining=[_round(remaining) for _l, remaining, _p in usages],
            )
        )
        self.env.cr.execute(
            SQL(
                """INSERT INTO crm_retail_lot_usage (history_id, lot_id, card_id, company_id,
                                                     points, create_uid, write_uid,
                                                     create_date, write_date)
                   SELECT %(row)s, u.lot_id, c.id, c.company_id, u.points, %(uid)s, %(uid)s,
                          now() at time zone 'UTC', now() at time zone 'UTC'
                     FROM unnest(%(lots)s::int[], %(points)s::float8[]) AS u(lot_id, points)
                     JOIN loyalty_card c ON c.id = %(card)s""",
                row=row.id,
                lots=[lot for lot, _r, _p in usages],
                points=[points for _l, _r, points in usages],
                uid=self.env.uid,
                card=self.id,
            )
        )
        self.env["loyalty.history"].invalidate_model(["points_remaining"])
        self.env["crm.retail.lot.usage"].invalidate_model()
        row.invalidate_recordset(["usage_ids"])

    @ledger_internal
    def _ledger_spend(
        self, points, description, order=None, key=None, kind="spend", prefer_lots=None
    ):
        """Spend ``points`` from the open lots, never below zero.

        Returns the row written (``used`` holds what was actually taken; a
        shortfall is written in its description and logged on the card).
        """
        self.ensure_one()
        History = self.env["loyalty.history"].sudo()
        points = _round(points)
        done = self._ledger_lock(key)
        if points <= 0 or done:
            return History
        plan, taken = self._ledger_consume_plan(points, prefer_lots)
        vals = dict(self._ledger_vals(kind, description, order, key), used=taken)
        if float_compare(taken, points, precision_rounding=PRECISION) < 0:
            shortfall = _round(points - taken)
            vals["description"] = self.env._(
                "%(description)s (%(shortfall)s points short: the balance was too low)",
                description=description,
                shortfall=shortfall,
            )
            self.sudo().message_post(
                body=self.env._(
                    "%(points)s points were to be taken for %(what)s but only %(taken)s "
                    "were left on the card.",
                    points=points,
                    what=description,
                    taken=taken,
                )
            )
        row = History.create(vals)
        History.flush_model()
        self._ledger_apply_usages(
            row, [(lot, remaining - take, take) for lot, remaining, take in plan]
        )
        self._ledger_set_balance()
        return row

    @ledger_internal
    def _ledger_give_back(self, spend_rows, points, description, order=None, key=None):
        """Return up to ``points`` into the lots ``spend_rows`` consumed.

        Lots whose expiry has passed get the points back and lose them at once,
        with an expiry row, so the customer keeps only what is still valid.
        """
        self.ensure_one()
        History = self.env["loyalty.history"].sudo()
        points = _round(points)
        done = self._ledger_lock(key)
        if points <= 0 or done:
            return History
        today = fields.Date.context_today(self)
        row = History.create(self._ledger_vals("give_back", description, order, key))
        row.reversed_history_ids = spend_rows
        # what earlier refunds already gave back from these spends, per lot
        given_before = {}
        for usage in spend_rows.reversed_by_ids.usage_ids:
            given_before[usage.lot_id] = given_before.get(usage.lot_id, 0.0) - usage.points
        left = points
        restored = []
        # undo the latest consumption first
        for usage in spend_rows.usage_ids.sorted("id", reverse=True):
            if left <= 0:
                break
            free = usage.points - given_before.get(usage.lot_id, 0.0)
            given_before[usage.lot_id] = max(
                given_before.get(usage.lot_id, 0.0) - usage.points, 0.0
            )
            amount = _round(min(free, left))
            if amount <= 0:
                continue
            restored.append((usage.lot_id, amount))
            left = _round(left - amount)
        usages = []
        for lot, amount in restored:
            usages.append({"history_id": row.id, "lot_id": lot.id, "points": -amount})
            lot.points_remaining = _round(lot.points_remaining + amount)
        self.env["crm.retail.lot.usage"].sudo().create(usages)
        given = _round(points - left)
        row.issued = given
        expired = [
            (lot, amount)
            for lot, amount in restored
            if lot.expiration_date and (lot.expiration_date < today)
        ]
        if expired:
            expire_row = History.create(
                self._ledger_vals(
                    "expire",
                    self.env._("Expired: refunded points from lots past their date"),
                    order,
                    key and f"{key}:expired",
                )
            )
            usages = []
            for lot, amount in expired:
                usages.append({"history_id": expire_row.id, "lot_id": lot.id, "points": amount})
                lot.points_remaining = _round(lot.points_remaining - amount)
            self.env["crm.retail.lot.usage"].sudo().create(usages)
            expire_row.used = _round(sum(amount for _lot, amount in expired))
        self._ledger_set_balance()
        return row

    def _ledger_transfer_to(self, target):
        """Move every open lot of this card to ``target``, keeping its expiry."""
        self.ensure_one()
        description = self.env._("Transfer from card %(code)s", code=self.code)
        (self | target)._ledger_lock()
        for lot in self.lot_ids.sorted("id"):
            amount = lot.points_remaining
            self._ledger_spend(
                amount,
                self.env._("Transfer to card %(code)s", code=target.code),
                kind="transfer",
                prefer_lots=lot.ids,
            )
            target._ledger_earn(
                amount,
                description,
                kind="transfer",
                expiration_date=lot.expiration_date or False,
            )

    def _ledger_adjust(self, difference, reason, kind="adjust", order=None, key=None):
        """A correction: a new lot when positive, a spend when negative."""
        self.ensure_one()
        if difference > 0:
            return self._ledger_earn(difference, reason, order=order, key=key, kind=kind)
        return self._ledger_spend(-difference, reason, order=order, key=key, kind=kind)

    # ------------------------------------------------------------------
    # nightly expiry
    # ------------------------------------------------------------------
    @api.model
    def _cron_expire_points(self, chunk_size=None):
        """Expire what is left of past-due lots, one bounded chunk of cards a call.

        Set-based SQL; each chunk is one transaction (the cron framework
        commits between calls), so the job can be killed and rerun at any time:
        a lot is due only while it still has points.
        """
        chunk_size = chunk_size or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_retail_loyalty.expire_chunk_size", 20000)
        )
        done, remaining = self._expire_points_chunk(chunk_size)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done, remaining

    @api.model
    def _expire_points_chunk(self, chunk_size, today=None):
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        cr = self.env.cr
        # the rows are read by the shop's staff: their language when the cron
        # runs without one
        lang = self.env.lang or self.env["ir.default"].sudo()._get("res.partner", "lang")
        description = self.with_context(lang=lang or "en_US").env._("Points expired")
        cr.execute(
            SQL(
                """
                CREATE TEMPORARY TABLE IF NOT EXISTS crm_retail_due_lot (
                    lot_id integer, card_id integer, points double precision
                ) ON COMMIT DROP;
                TRUNCATE crm_retail_due_lot;
                WITH cards AS (
                    SELECT DISTINCT card_id FROM loyalty_history
                     WHERE is_lot AND points_remaining > 0 AND expiration_date < %(today)s
                     ORDER BY card_id LIMIT %(chunk)s
                ), locked AS (
                    SELECT c.id FROM loyalty_card c JOIN cards ON cards.card_id = c.id
                     ORDER BY c.id FOR NO KEY UPDATE OF c
                )
                INSERT INTO crm_retail_due_lot (lot_id, card_id, points)
                SELECT h.id, h.card_id, h.points_remaining
                  FROM loyalty_history h JOIN locked ON locked.id = h.card_id
                 WHERE h.is_lot AND h.points_remaining > 0 AND h.expiration_date < %(today)s;

                WITH per_card AS (
                    SELECT card_id, SUM(points) AS points FROM crm_retail_due_lot GROUP BY card_id
                ), rows AS (
                    INSERT INTO loyalty_history (card_id, ledger_kind, description, issued, used,
                                                 is_lot, points_remaining, ledger_key,
                                                 create_uid, write_uid, create_date, write_date)
                    SELECT card_id, 'expire', %(description)s, 0, points, false, 0,
                           'expire:' || card_id || ':' || %(today)s::text || ':' || txid_current(),
                           %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                      FROM per_card
                    RETURNING id, card_id
                ), usages AS (
                    INSERT INTO crm_retail_lot_usage (
                        history_id, lot_id, card_id, company_id, points,
                        create_uid, write_uid, create_date, write_date)
                    SELECT rows.id, d.lot_id, d.card_id, c.company_id, d.points,
                           %(uid)s, %(uid)s, now() at time zone 'UTC', now() at time zone 'UTC'
                      FROM crm_retail_due_lot d
                      JOIN rows ON rows.card_id = d.card_id
                      JOIN loyalty_card c ON c.id = d.card_id
                ), lots AS (
                    UPDATE loyalty_history h SET points_remaining = 0
                      FROM crm_retail_due_lot d WHERE h.id = d.lot_id
                )
                UPDATE loyalty_card c
                   SET points = GREATEST(ROUND((c.points - per_card.points)::numeric, 2), 0),
                       write_date = now() at time zone 'UTC', write_uid = %(uid)s
                  FROM per_card WHERE c.id = per_card.card_id;

                SELECT (SELECT count(DISTINCT card_id) FROM crm_retail_due_lot),
                       EXISTS (SELECT 1 FROM loyalty_history
                                WHERE is_lot AND points_remaining > 0
                                  AND expiration_date < %(today)s);
                """,
                today=today,
                chunk=chunk_size,
                description=description,
                uid=self.env.uid,
            )
        )
        done, more = cr.fetchone()
        self.env.invalidate_all()
        if done:
            _logger.info("expired the due points of %s cards", done)
        return done, int(more)

    # ------------------------------------------------------------------
    # checks
    # ------------------------------------------------------------------
    @api.model
    def _cron_ledger_check(self, days=None):
        """Nightly: what the ledger should hold and does not.

        - paid member orders of the last days without their ledger postings
          are posted now (idempotent; those that earn and spend nothing stay
          without rows);
        - orders still marked "points pending" are listed;
        - cards whose balance differs from the sum of their open lots get the
          balance of their lots (the lots are the record).
        Each member concerned gets an activity for a loyalty manager of the
        member's company saying what was found and what was fixed.
        """
        days = days or int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_retail_loyalty.ledger_check_days", 3)
        )
        Order = self.env["pos.order"].sudo()
        findings = defaultdict(list)  # partner -> lines
        for order in Order._loyalty_orders_missing_postings(days=days):
            order = order.with_company(order.company_id)
            try:
                with self.env.cr.savepoint():
                    order._loyalty_ledger_post()
            except psycopg2.Error:
                raise
            except Exception as error:
                _logger.exception("nightly check: points of POS order %s", order.name)
                findings[order.partner_id.commercial_partner_id].append(
                    self.env._(
                        "Order %(order)s was paid without its points and posting them "
                        "failed: %(error)s",
                        order=order.name,
                        error=str(error),
                    )
                )
                continue
            if order._loyalty_ledger_rows():
                findings[order.partner_id.commercial_partner_id].append(
                    self.env._(
                        "Order %(order)s was paid without its points: posted now.",
                        order=order.name,
                    )
                )
        for order in Order.search([("crm_points_pending", "=", True)]):
            findings[order.partner_id.commercial_partner_id].append(
                self.env._(
                    "Order %(order)s: points still pending (%(error)s).",
                    order=order.name,
                    error=order.crm_points_error or "",
                )
            )
        for card_id, points, lots in self._ledger_check_invariant():
            card = self.sudo().browse(card_id)
            card._ledger_set_balance()
            findings[card.partner_id.commercial_partner_id].append(
                self.env._(
                    "Card %(code)s showed %(points)s points where its lots hold %(lots)s: "
                    "its balance is now %(lots)s.",
                    code=card.code,
                    points=points,
                    lots=lots,
                )
            )
        for partner, lines in findings.items():
            if partner:
                partner._member_notify_manager(
                    self.env._("Points ledger check"), "<br/>".join(lines)
                )
        return findings

    @api.model
    def _ledger_check_invariant(self, card_ids=None):
        """Cards whose balance differs from the sum of their open lots."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT c.id, c.points, COALESCE(SUM(h.points_remaining), 0)
                  FROM loyalty_card c
                  JOIN loyalty_program p ON p.id = c.program_id AND p.uses_point_lots
                  LEFT JOIN loyalty_history h
                         ON h.card_id = c.id AND h.is_lot AND h.points_remaining > 0
                 WHERE %(all)s OR c.id = ANY(%(ids)s)
                 GROUP BY c.id, c.points
                HAVING ABS(c.points - COALESCE(SUM(h.points_remaining), 0)) > 0.005
                """,
                all=card_ids is None,
                ids=list(card_ids or []),
            )
        )
        return self.env.cr.fetchall()

    def _expiring_lots(self, within_days=None):
        """Open lots expiring within the notice window, earliest first."""
        self.ensure_one()
        days = within_days if within_days is not None else self.program_id.points_expiry_notice_days
        limit = fields.Date.context_today(self) + timedelta(days=days)
        return self.lot_ids.filtered(
            lambda lot: lot.expiration_date and lot.expiration_date <= limit
        ).sorted("expiration_date")
