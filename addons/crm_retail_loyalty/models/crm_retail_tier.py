# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

from .retail_orders import paid_orders_sql


class CrmRetailTier(models.Model):
    """A rung of the member ladder.

    A member holds the highest tier (by sequence) whose non-zero thresholds
    are all met over the company's qualification window: paid orders net of
    refunds, at the till and online. The engine lives here as model methods
    taking the members (:meth:`_evaluate_members`, :meth:`_move_members`,
    :meth:`_cron_evaluate_tiers`); the partner keeps thin delegates under its
    older names.
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

    # ------------------------------------------------------------------
    # the engine: which tier each member holds
    # ------------------------------------------------------------------
    @api.model
    def _member_figures(self, partners, company):
        """Spend and paid orders net of refunds over the company's
        qualification window, at the till and online, per partner id: the
        orders of that company only."""
        if not partners.ids:
            return {}
        since = fields.Datetime.now() - timedelta(days=company.tier_qualification_days or 365)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner_id, COALESCE(SUM(amount), 0),
                       COALESCE(SUM(SIGN(amount)), 0)::int
                  FROM (%s) orders
                 GROUP BY partner_id
                """,
                paid_orders_sql(
                    self.env,
                    partner_ids=partners.ids,
                    company_id=company.id,
                    since=since,
                    # the members' own orders, as the till evaluates them
                    commercial=False,
                ),
            )
        )
        return {pid: (float(amount), orders) for pid, amount, orders in rows}

    @api.model
    def _move_members(self, partners, tier, reason, note=False):
        """Move the members to ``tier``, one history row each, in two
        set-based statements (the first nightly run moves every member)."""
        movers = partners.filtered(lambda p: p.member_tier_id != tier)
        if not movers:
            return
        fnames = [
            "member_tier_id",
            "member_company_id",
            "member_tier_below_since",
            "member_tier_manual",
        ]
        movers.flush_recordset(fnames)
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO crm_retail_tier_history
                       (partner_id, company_id, from_tier_id, to_tier_id, reason, note, date,
                        user_id, create_uid, write_uid, create_date, write_date)
                SELECT p.id, COALESCE(p.member_company_id, %(company)s), p.member_tier_id,
                       %(tier)s, %(reason)s, %(note)s, %(now)s, %(uid)s, %(uid)s, %(uid)s,
                       %(now)s, %(now)s
                  FROM res_partner p WHERE p.id = ANY(%(ids)s)
                """,
                company=self.env.company.id,
                tier=tier.id,
                reason=reason,
                note=note or None,
                now=now,
                uid=self.env.uid,
                ids=movers.ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner SET member_tier_id = %s, member_tier_below_since = NULL,
                          member_tier_manual = %s, write_date = %s, write_uid = %s
                    WHERE id = ANY(%s)""",
                tier.id,
                reason == "manual",
                now,
                self.env.uid,
                movers.ids,
            )
        )
        movers.invalidate_recordset([*fnames, "member_tier_history_ids"])
        self.env["crm.retail.tier.history"].invalidate_model()

    @api.model
    def _cron_evaluate_tiers(self, chunk_size=50000):
        """Nightly: upgrades that were missed, downgrades after the grace period.

        Members are taken in id order from a cursor kept in a system parameter,
        one bounded chunk a call; the job can be killed and rerun (a member's
        figures are recomputed each time, changes are idempotent).
        """
        params = self.env["ir.config_parameter"].sudo()
        Partner = self.env["res.partner"].sudo()
        last_id = int(params.get_param("crm_retail_loyalty.tier_cursor", 0))
        members = Partner.search(
            [("is_member", "=", True), ("id", ">", last_id)], order="id", limit=chunk_size
        )
        self._evaluate_members(members)
        last = members[-1:].id
        remaining = (
            Partner.search_count([("is_member", "=", True), ("id", ">", last)])
            if len(members) == chunk_size
            else 0
        )
        # a finished run starts again from the first member next night
        params.set_param("crm_retail_loyalty.tier_cursor", last if remaining else 0)
        self.env["ir.cron"]._notify_progress(done=len(members), remaining=remaining)
        return len(members), remaining

    @api.model
    def _evaluate_members(self, partners, upgrade_only=False):
        """Move members to the tier their figures give them.

        Upgrades happen at once (at payment, ``upgrade_only``); downgrades only
        in the nightly run, once the member has been below the tier for the
        company's grace period, one step or straight down as it is set. Each
        member is measured on the orders of the company they are a member of.
        """
        today = fields.Date.context_today(self)
        partners = partners.filtered("is_member")
        Tier = self.sudo()
        for company in partners.member_company_id:
            members = partners.filtered(lambda p, c=company: p.member_company_id == c)
            ladder = Tier._ladder(company)
            if not ladder:
                continue
            if upgrade_only:
                # at the till: nothing to look up for members already at the top
                members = members.filtered(lambda p, top=ladder[-1]: p.member_tier_id != top)
                if not members:
                    continue
            figures = self._member_figures(members, company)
            grace = company.tier_grace_days
            rank = {tier: index for index, tier in enumerate(ladder)}
            # ids in lists: a recordset grown one by one costs O(n^2)
            moves = {}  # (tier, reason) -> partner ids
            below_from_today = []
            back_above = []
            for partner in members:
                amount, orders = figures.get(partner.id, (0.0, 0))
                best = Tier._best_for(ladder, amount, orders)
                current = partner.member_tier_id
                if best and (not current or rank.get(best, -1) > rank.get(current, -1)):
                    moves.setdefault((best, "upgrade"), []).append(partner.id)
                elif upgrade_only:
                    continue
                elif current and rank.get(best, -1) < rank.get(current, -1):
                    if partner.member_tier_manual:
                        continue
                    if not partner.member_tier_below_since:
                        below_from_today.append(partner.id)
                    elif (today - partner.member_tier_below_since).days >= grace:
                        if company.tier_downgrade_mode == "step":
                            target = ladder[max(rank[current] - 1, 0)]
                            target = max(target, best, key=lambda t: rank.get(t, -1))
                        else:
                            target = best
                        moves.setdefault((target, "downgrade"), []).append(partner.id)
                elif partner.member_tier_below_since:
                    back_above.append(partner.id)
            for (tier, reason), partner_ids in moves.items():
                self._move_members(partners.browse(partner_ids), tier, reason)
            if below_from_today:
                partners.browse(below_from_today).sudo().write({"member_tier_below_since": today})
            if back_above:
                partners.browse(back_above).sudo().write({"member_tier_below_since": False})
