# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# PAID is defined with the orders it selects; imported from here by older code
from .retail_orders import PAID, paid_orders_sql  # noqa: F401

SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential", "Potential"),
    ("new", "New"),
    ("at_risk", "At risk"),
    ("cant_lose", "Can't lose"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]
THRESHOLDS_PARAM = "crm_retail_loyalty.rfm_thresholds"
CURSOR_PARAM = "crm_retail_loyalty.profile_cursor"

# The columns derived from the counters, in one place for the per-order update
# and the nightly rebuild. Scores compare a figure with the quintile boundaries
# of all customers (computed nightly): 1 + the number of boundaries it exceeds,
# so ties at the bottom (the many one-time buyers) score 1, not 3.
DERIVED_SQL = """
    average_ticket = CASE WHEN p.order_count > 0
                          THEN p.total_spent / p.order_count ELSE 0 END,
    avg_days_between = CASE WHEN p.order_count > 1
        THEN EXTRACT(EPOCH FROM p.last_purchase_date - p.first_purchase_date)
             / 86400.0 / (p.order_count - 1) END,
    next_purchase_date = CASE WHEN p.order_count > 1
        THEN (p.last_purchase_date + (p.last_purchase_date - p.first_purchase_date)
              / (p.order_count - 1))::date END,
    rfm_recency = s.r, rfm_frequency = s.f, rfm_monetary = s.m,
    rfm_score = s.r::text || s.f::text || s.m::text,
    rfm_segment = CASE
        WHEN s.r IS NULL THEN NULL
        WHEN s.r >= 4 AND p.order_count <= 1 THEN 'new'
        WHEN s.r >= 4 AND s.fm >= 4 THEN 'champions'
        WHEN s.r >= 3 AND s.fm >= 3 THEN 'loyal'
        WHEN s.r >= 3 THEN 'potential'
        WHEN s.fm >= 5 THEN 'cant_lose'
        WHEN s.fm >= 3 THEN 'at_risk'
        WHEN s.r = 2 THEN 'hibernating'
        ELSE 'lost' END
"""

SCORES_SQL = """
    SELECT q.id, q.r, q.f, q.m, ROUND((q.f + q.m) / 2.0) AS fm
      FROM (
        SELECT pr.id,
               CASE WHEN pr.last_purchase_date IS NULL OR pr.order_count <= 0
                         OR %(rb)s::float[] IS NULL THEN NULL
                    ELSE 1 + (SELECT COUNT(*) FROM unnest(%(rb)s::float[]) b
                               WHERE -EXTRACT(EPOCH FROM %(now)s - pr.last_purchase_date)
                                     / 86400.0 > b) END AS r,
               CASE WHEN %(fb)s::float[] IS NOT NULL
                    THEN 1 + (SELECT COUNT(*) FROM unnest(%(fb)s::float[]) b
                               WHERE pr.order_count_365 > b) END AS f,
               CASE WHEN %(mb)s::float[] IS NOT NULL
                    THEN 1 + (SELECT COUNT(*) FROM unnest(%(mb)s::float[]) b
                               WHERE pr.spent_365 > b) END AS m
          FROM crm_retail_customer_profile pr
         WHERE %(where)s
      ) q
"""


class CrmRetailCustomerProfile(models.Model):
    """What a customer buys, where, how they pay and how often.

    One row per customer (the commercial partner) and company, members and
    non-members: a customer of two companies of one database has two
    profiles, each with that company's orders only, scored against that
    company's customers. Kept off the ``res_partner`` row because it is
    rewritten at every paid order; the partner points at the current
    company's profile (``purchase_profile_id`` is company-dependent). The
    counters move at O(1) cost per paid order or refund
    (:meth:`_register_order`); the nightly job rebuilds every figure from the
    orders in set-based SQL, chunk by chunk, and scores RFM against the
    quintiles of the company's customers.
    """

    _name = "crm.retail.customer.profile"
    _description = "Customer Purchase Profile"
    _rec_name = "partner_id"
    _order = "last_purchase_date desc, id"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one("res.currency")
    first_purchase_date = fields.Datetime(readonly=True)
    last_purchase_date = fields.Datetime(readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    total_spent = fields.Monetary("Lifetime Spend", readonly=True)
    order_count_90 = fields.Integer("Orders (90 Days)", readonly=True)
    spent_90 = fields.Monetary("Spend (90 Days)", readonly=True)
    order_count_365 = fields.Integer("Orders (365 Days)", readonly=True)
    spent_365 = fields.Monetary("Spend (365 Days)", readonly=True)
    average_ticket = fields.Monetary(readonly=True)
    avg_days_between = fields.Float("Average Days Between Purchases", digits=(16, 1))
    next_purchase_date = fields.Date("Expected Next Purchase", readonly=True)
    days_overdue = fields.Integer(
        compute="_compute_days_overdue",
        search="_search_days_overdue",
        help="Days since the expected next purchase, 0 when not yet due.",
    )
    favourite_config_id = fields.Many2one("pos.config", "Favourite Store", readonly=True)
    favourite_payment_method_id = fields.Many2one(
        "pos.payment.method", "Usual Payment Method", readonly=True
    )
    top_categ_ids = fields.Many2many(
        "product.category",
        "crm_retail_customer_profile_categ_rel",
        "profile_id",
        "categ_id",
        string="Top Categories",
        readonly=True,
    )
    pos_order_count = fields.Integer("POS Orders", readonly=True)
    online_order_count = fields.Integer("Online Orders", readonly=True)
    channel_mix = fields.Json("Orders per Channel", readonly=True)
    channel_mix_display = fields.Char("Channel Mix", compute="_compute_channel_mix_display")
    rfm_recency = fields.Integer("Recency Score", readonly=True, aggregator="avg")
    rfm_frequency = fields.Integer("Frequency Score", readonly=True, aggregator="avg")
    rfm_monetary = fields.Integer("Monetary Score", readonly=True, aggregator="avg")
    rfm_score = fields.Char("RFM", readonly=True)
    rfm_segment = fields.Selection(SEGMENTS, "Segment", readonly=True, index=True)
    rebuilt_at = fields.Datetime("Rebuilt On", readonly=True)

    _sql_constraints = [
        # the key keeps its first name: on an existing database Odoo replaces
        # the one-per-customer constraint rather than keeping both
        (
            "partner_unique",
            "UNIQUE(partner_id, company_id)",
            "A customer has one purchase profile per company.",
        ),
    ]

    def _compute_days_overdue(self):
        today = fields.Date.context_today(self)
        for profile in self:
            due = profile.next_purchase_date
            profile.days_overdue = max((today - due).days, 0) if due else 0

    def _search_days_overdue(self, operator, value):
        """``days_overdue > N`` is ``next_purchase_date < today - N``."""
        today = fields.Date.context_today(self)
        value = int(value or 0)
        limit = today - timedelta(days=value)
        flipped = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "=": "="}
        if operator not in flipped:
            return [("id", "=", 0)]
        if operator in ("<", "<=") or (operator == "=" and value == 0):
            return [
                "|",
                ("next_purchase_date", "=", False),
                ("next_purchase_date", ">=" if operator != "<" else ">", limit),
            ]
        return [("next_purchase_date", flipped[operator], limit)]

    @api.depends("channel_mix")
    def _compute_channel_mix_display(self):
        configs = {}
        for profile in self:
            mix = profile.channel_mix or {}
            total = sum(mix.values()) or 1
            parts = []
            for key, count in sorted(mix.items(), key=lambda kv: -kv[1]):
                if count <= 0:
                    continue
                if key == "online":
                    label = self.env._("Online")
                else:
                    if key not in configs:
                        configs[key] = self.env["pos.config"].sudo().browse(int(key)).exists()
                    label = configs[key].name or key
                parts.append(f"{label} {round(100 * count / total)}%")
            profile.channel_mix_display = ", ".join(parts)

    # ------------------------------------------------------------------
    # per order: O(1)
    # ------------------------------------------------------------------
    @api.model
    def _thresholds(self, company_id):
        """The company's quintile boundaries from the last nightly run."""
        raw = self.env["ir.config_parameter"].sudo().get_param(THRESHOLDS_PARAM)
        values = (json.loads(raw) if raw else {}).get(str(company_id)) or {}
        return {key: values.get(key, []) for key in ("r", "f", "m")}

    @api.model
    def _register_order(self, partner, company, amount, date, channel):
        """Move one customer's counters in ``company`` (the order's) by one
        paid order (or a refund, when ``amount`` is negative): two statements
        on one row, whatever the history. Figures that need the whole history
        (favourites, categories) wait for the nightly rebuild; the RFM scores
        are recomputed against the company's last quintiles so the segment
        moves at the till."""
        partner = partner.commercial_partner_id
        if not partner:
            return
        sign = 1 if amount >= 0 else -1
        now = fields.Datetime.now()
        recent = {days: int(date >= now - timedelta(days=days)) for days in (90, 365)}
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                INSERT INTO crm_retail_customer_profile AS p
                       (partner_id, company_id, currency_id, first_purchase_date,
                        last_purchase_date, order_count, total_spent, order_count_90,
                        spent_90, order_count_365, spent_365, pos_order_count,
                        online_order_count, channel_mix,
                        create_uid, write_uid, create_date, write_date)
                VALUES (%(partner)s, %(company)s, %(currency)s, %(first)s, %(last)s,
                        %(sign)s, %(amount)s, %(sign)s * %(in90)s, %(amount)s * %(in90)s,
                        %(sign)s * %(in365)s, %(amount)s * %(in365)s,
                        CASE WHEN %(channel)s = 'online' THEN 0 ELSE %(sign)s END,
                        CASE WHEN %(channel)s = 'online' THEN %(sign)s ELSE 0 END,
                        jsonb_build_object(%(channel)s, %(sign)s),
                        %(uid)s, %(uid)s, %(now)s, %(now)s)
                ON CONFLICT (partner_id, company_id) DO UPDATE SET
                    currency_id = EXCLUDED.currency_id,
                    first_purchase_date = LEAST(p.first_purchase_date,
                                                EXCLUDED.first_purchase_date),
                    last_purchase_date = GREATEST(p.last_purchase_date,
                                                  EXCLUDED.last_purchase_date),
                    order_count = p.order_count + EXCLUDED.order_count,
                    total_spent = p.total_spent + EXCLUDED.total_spent,
                    order_count_90 = p.order_count_90 + EXCLUDED.order_count_90,
                    spent_90 = p.spent_90 + EXCLUDED.spent_90,
                    order_count_365 = p.order_count_365 + EXCLUDED.order_count_365,
                    spent_365 = p.spent_365 + EXCLUDED.spent_365,
                    pos_order_count = p.pos_order_count + EXCLUDED.pos_order_count,
                    online_order_count = p.online_order_count + EXCLUDED.online_order_count,
                    channel_mix = COALESCE(p.channel_mix, '{}'::jsonb) || jsonb_build_object(
                        %(channel)s,
                        COALESCE((p.channel_mix ->> %(channel)s)::int, 0) + %(sign)s),
                    write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                RETURNING id, (xmax = 0)
                """,
                partner=partner.id,
                company=company.id,
                currency=company.currency_id.id,
                # a refund is not a purchase: it never moves the dates
                first=date if sign > 0 else None,
                last=date if sign > 0 else None,
                sign=sign,
                amount=amount,
                in90=recent[90],
                in365=recent[365],
                channel=channel,
                uid=self.env.uid,
                now=now,
            )
        )
        profile_id, inserted = cr.fetchone()
        self._update_derived(SQL("pr.id = %s", profile_id), now, company_ids=[company.id])
        if inserted:
            # the partner's link to its profile in this company (a jsonb of
            # company id -> profile id: the field is company-dependent)
            cr.execute(
                SQL(
                    """UPDATE res_partner
                          SET purchase_profile_id = COALESCE(purchase_profile_id, '{}'::jsonb)
                                                    || jsonb_build_object(%s::text, %s)
                        WHERE id = %s""",
                    company.id,
                    profile_id,
                    partner.id,
                )
            )
        partner.invalidate_recordset(self._partner_profile_fnames())
        self.browse(profile_id).invalidate_recordset()

    @api.model
    def _partner_profile_fnames(self):
        """The partner's link to its profile and the figures read through it."""
        return ["purchase_profile_id"] + [
            name
            for name, field in self.env["res.partner"]._fields.items()
            if field.related and field.related.startswith("purchase_profile_id.")
        ]

    @api.model
    def _update_derived(self, where, now, company_ids=None):
        """Averages, expected next purchase and RFM for the rows in ``where``
        (an SQL condition on ``pr``), each scored against its company's
        quintiles; without quintiles yet (before the first nightly run) the
        scores stay empty rather than wrong."""
        cr = self.env.cr
        if company_ids is None:
            cr.execute(
                SQL(
                    "SELECT DISTINCT company_id FROM crm_retail_customer_profile pr WHERE %s",
                    where,
                )
            )
            company_ids = [row[0] for row in cr.fetchall()]
        for company_id in company_ids:
            thresholds = self._thresholds(company_id)
            scores = SQL(
                SCORES_SQL,
                rb=thresholds["r"] or None,
                fb=thresholds["f"] or None,
                mb=thresholds["m"] or None,
                now=now,
                where=SQL("%s AND pr.company_id IS NOT DISTINCT FROM %s", where, company_id),
            )
            cr.execute(
                SQL(
                    "UPDATE crm_retail_customer_profile p SET %s FROM (%s) s WHERE s.id = p.id",
                    SQL(DERIVED_SQL),
                    scores,
                )
            )

    # ------------------------------------------------------------------
    # nightly: set-based, in chunks of customers
    # ------------------------------------------------------------------
    @api.model
    def _rebuild_range(self, low, high, now=None):
        """Rebuild the profiles of customers with ids in (low, high] from
        their paid POS and online orders, one profile per customer and
        company, in a few set-based statements over a temporary table of the
        chunk's orders (analysed, so PostgreSQL plans the joins on real
        numbers). Profiles of the range left without any paid order in their
        company keep a row with zero figures."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        cr = self.env.cr
        # compiling these one-off queries costs more than running them
        cr.execute("SET LOCAL jit = off")
        cr.execute("SET LOCAL work_mem = '64MB'")
        cr.execute("DROP TABLE IF EXISTS crm_retail_profile_chunk")
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE crm_retail_profile_chunk AS %s",
                paid_orders_sql(
                    self.env,
                    partner_ids=SQL(
                        """SELECT id FROM res_partner
                            WHERE commercial_partner_id > %s AND commercial_partner_id <= %s""",
                        low,
                        high,
                    ),
                ),
            )
        )
        cr.execute("ANALYZE crm_retail_profile_chunk")
        cr.execute(
            SQL(
                """
                WITH figures AS (
                    SELECT partner_id, company_id,
                           MIN(date_order) FILTER (WHERE amount >= 0) AS first_date,
                           MAX(date_order) FILTER (WHERE amount >= 0) AS last_date,
                           SUM(SIGN(amount))::int AS order_count,
                           SUM(amount) AS total_spent,
                           COALESCE(SUM(SIGN(amount)) FILTER (WHERE date_order >= %(d90)s),
                                    0)::int AS count_90,
                           COALESCE(SUM(amount) FILTER (WHERE date_order >= %(d90)s), 0)
                               AS spent_90,
                           COALESCE(SUM(SIGN(amount)) FILTER (WHERE date_order >= %(d365)s),
                                    0)::int AS count_365,
                           COALESCE(SUM(amount) FILTER (WHERE date_order >= %(d365)s), 0)
                               AS spent_365,
                           COALESCE(SUM(SIGN(amount)) FILTER (WHERE model = 'pos.order'),
                                    0)::int AS pos_count,
                           COALESCE(SUM(SIGN(amount)) FILTER (WHERE model = 'sale.order'),
                                    0)::int AS online_count,
                           MODE() WITHIN GROUP (ORDER BY channel)
                               FILTER (WHERE model = 'pos.order' AND amount >= 0)
                               AS favourite_config
                      FROM crm_retail_profile_chunk GROUP BY partner_id, company_id
                ),
                mix AS (
                    SELECT partner_id, company_id, jsonb_object_agg(channel, n) AS channel_mix
                      FROM (SELECT partner_id, company_id, channel, SUM(SIGN(amount))::int AS n
                              FROM crm_retail_profile_chunk
                             GROUP BY partner_id, company_id, channel) c
                     GROUP BY partner_id, company_id
                ),
                payments AS (
                    SELECT o.partner_id, o.company_id,
                           MODE() WITHIN GROUP (ORDER BY pp.payment_method_id) AS method
                      FROM crm_retail_profile_chunk o
                      JOIN pos_payment pp ON pp.pos_order_id = o.order_id
                     WHERE o.model = 'pos.order' AND o.amount >= 0 AND pp.amount > 0
                       -- the sorted id array walks the index in order: far
                       -- cheaper than one probe per order
                       AND pp.pos_order_id = ANY(ARRAY(
                               SELECT order_id FROM crm_retail_profile_chunk
                                WHERE model = 'pos.order'))
                     GROUP BY o.partner_id, o.company_id
                )
                INSERT INTO crm_retail_customer_profile AS p
                       (partner_id, company_id, currency_id, first_purchase_date,
                        last_purchase_date, order_count, total_spent, order_count_90, spent_90,
                        order_count_365, spent_365, pos_order_count, online_order_count,
                        channel_mix, favourite_config_id, favourite_payment_method_id,
                        rebuilt_at, create_uid, write_uid, create_date, write_date)
                SELECT f.partner_id, f.company_id, c.currency_id, f.first_date, f.last_date,
                       f.order_count, f.total_spent, f.count_90, f.spent_90, f.count_365,
                       f.spent_365, f.pos_count, f.online_count, m.channel_mix,
                       f.favourite_config::int, pay.method, %(now)s,
                       %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM figures f
                  JOIN res_company c ON c.id = f.company_id
                  LEFT JOIN mix m
                         ON m.partner_id = f.partner_id AND m.company_id = f.company_id
                  LEFT JOIN payments pay
                         ON pay.partner_id = f.partner_id AND pay.company_id = f.company_id
                ON CONFLICT (partner_id, company_id) DO UPDATE SET
                    currency_id = EXCLUDED.currency_id,
                    first_purchase_date = EXCLUDED.first_purchase_date,
                    last_purchase_date = EXCLUDED.last_purchase_date,
                    order_count = EXCLUDED.order_count,
                    total_spent = EXCLUDED.total_spent,
                    order_count_90 = EXCLUDED.order_count_90,
                    spent_90 = EXCLUDED.spent_90,
                    order_count_365 = EXCLUDED.order_count_365,
                    spent_365 = EXCLUDED.spent_365,
                    pos_order_count = EXCLUDED.pos_order_count,
                    online_order_count = EXCLUDED.online_order_count,
                    channel_mix = EXCLUDED.channel_mix,
                    favourite_config_id = EXCLUDED.favourite_config_id,
                    favourite_payment_method_id = EXCLUDED.favourite_payment_method_id,
                    rebuilt_at = EXCLUDED.rebuilt_at,
                    write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                d90=now - timedelta(days=90),
                d365=now - timedelta(days=365),
                now=now,
                uid=self.env.uid,
            )
        )
        # the profiles of the range left without any paid order in their company
        cr.execute(
            SQL(
                """
                UPDATE crm_retail_customer_profile
                   SET order_count = 0, total_spent = 0, order_count_90 = 0, spent_90 = 0,
                       order_count_365 = 0, spent_365 = 0, pos_order_count = 0,
                       online_order_count = 0, channel_mix = NULL, favourite_config_id = NULL,
                       favourite_payment_method_id = NULL, first_purchase_date = NULL,
                       last_purchase_date = NULL, rebuilt_at = %(now)s
                 WHERE partner_id > %(low)s AND partner_id <= %(high)s
                   AND rebuilt_at IS DISTINCT FROM %(now)s
                """,
                low=low,
                high=high,
                now=now,
            )
        )
        # new profiles are linked from their partner once, under their company
        # (the company-dependent purchase_profile_id: company id -> profile id)
        cr.execute(
            SQL(
                """
                UPDATE res_partner rp
                   SET purchase_profile_id = COALESCE(rp.purchase_profile_id, '{}'::jsonb)
                                             || links.ids
                  FROM (SELECT partner_id, jsonb_object_agg(company_id::text, id) AS ids
                          FROM crm_retail_customer_profile
                         WHERE partner_id > %(low)s AND partner_id <= %(high)s
                         GROUP BY partner_id) links
                 WHERE links.partner_id = rp.id
                   AND NOT COALESCE(rp.purchase_profile_id, '{}'::jsonb) @> links.ids
                """,
                low=low,
                high=high,
            )
        )
        # top three categories by spend over 365 days
        cr.execute(
            SQL(
                """
                DELETE FROM crm_retail_customer_profile_categ_rel rel
                 USING crm_retail_customer_profile pr
                 WHERE rel.profile_id = pr.id
                   AND pr.partner_id > %(low)s AND pr.partner_id <= %(high)s
                """,
                low=low,
                high=high,
            )
        )
        cr.execute(
            SQL(
                """
                WITH categ_spend AS (
                    SELECT o.partner_id, o.company_id, t.categ_id,
                           l.price_subtotal_incl AS spent
                      FROM crm_retail_profile_chunk o
                      JOIN pos_order_line l ON l.order_id = o.order_id
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template t ON t.id = pp.product_tmpl_id
                     WHERE o.model = 'pos.order' AND o.date_order >= %(d365)s AND l.qty > 0
                       AND l.order_id = ANY(ARRAY(
                               SELECT order_id FROM crm_retail_profile_chunk
                                WHERE model = 'pos.order' AND date_order >= %(d365)s))
                    UNION ALL
                    SELECT o.partner_id, o.company_id, t.categ_id, l.price_total
                      FROM crm_retail_profile_chunk o
                      JOIN sale_order_line l ON l.order_id = o.order_id
                      JOIN product_product pp ON pp.id = l.product_id
                      JOIN product_template t ON t.id = pp.product_tmpl_id
                     WHERE o.model = 'sale.order' AND o.date_order >= %(d365)s
                       AND l.product_uom_qty > 0
                ),
                ranked AS (
                    SELECT partner_id, company_id, categ_id,
                           ROW_NUMBER() OVER (PARTITION BY partner_id, company_id
                                              ORDER BY SUM(spent) DESC, categ_id) AS rank
                      FROM categ_spend WHERE categ_id IS NOT NULL
                     GROUP BY partner_id, company_id, categ_id
                )
                INSERT INTO crm_retail_customer_profile_categ_rel (profile_id, categ_id)
                SELECT pr.id, r.categ_id
                  FROM ranked r
                  JOIN crm_retail_customer_profile pr
                    ON pr.partner_id = r.partner_id AND pr.company_id = r.company_id
                 WHERE r.rank <= 3
                ON CONFLICT DO NOTHING
                """,
                d365=now - timedelta(days=365),
            )
        )
        cr.execute("DROP TABLE crm_retail_profile_chunk")
        self.invalidate_model()
        self.env["res.partner"].invalidate_model(self._partner_profile_fnames())

    @api.model
    def _rebuild_partners(self, partners):
        """Rebuild a few customers' profiles now, scores included."""
        now = fields.Datetime.now()
        for partner in partners:
            self._rebuild_range(partner.id - 1, partner.id, now)
        if partners:
            self._update_derived(SQL("pr.partner_id = ANY(%s)", partners.ids), now)
            self.invalidate_model()

    @api.model
    def _compute_thresholds(self, now=None):
        """Per company, the quintile boundaries of recency (negative days
        since the last purchase), 365-day orders and 365-day spend over every
        customer who bought something; kept for scoring at the till until the
        next nightly run."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT company_id,
                       PERCENTILE_DISC(ARRAY[0.2, 0.4, 0.6, 0.8]) WITHIN GROUP (
                           ORDER BY -EXTRACT(EPOCH FROM %(now)s - last_purchase_date) / 86400.0),
                       PERCENTILE_DISC(ARRAY[0.2, 0.4, 0.6, 0.8])
                           WITHIN GROUP (ORDER BY order_count_365),
                       PERCENTILE_DISC(ARRAY[0.2, 0.4, 0.6, 0.8])
                           WITHIN GROUP (ORDER BY spent_365)
                  FROM crm_retail_customer_profile
                 WHERE order_count > 0 AND last_purchase_date IS NOT NULL
                   AND company_id IS NOT NULL
                 GROUP BY company_id
                """,
                now=now,
            )
        )
        thresholds = {
            str(company_id): {
                "r": [float(v) for v in r],
                "f": [float(v) for v in f],
                "m": [float(v) for v in m],
            }
            for company_id, r, f, m in self.env.cr.fetchall()
        }
        self.env["ir.config_parameter"].sudo().set_param(THRESHOLDS_PARAM, json.dumps(thresholds))
        return thresholds

    @api.model
    def _cron_rebuild_profiles(self, chunk_size=50000):
        """Nightly, one bounded chunk a call (the cron framework commits
        between calls): first the figures, customer id range by range, then
        the quintiles, then the scores, profile id range by range. The cursor
        lives in a system parameter, so a killed run resumes where it stopped
        and a rerun only rewrites the same figures."""
        params = self.env["ir.config_parameter"].sudo()
        phase, _sep, last = (params.get_param(CURSOR_PARAM) or "figures:0").partition(":")
        last = int(last or 0)
        now = fields.Datetime.now()
        cr = self.env.cr
        if phase == "figures":
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM res_partner")
            top = cr.fetchone()[0]
            high = min(last + chunk_size, top)
            self._rebuild_range(last, high, now)
            if high >= top:
                self._compute_thresholds(now)
                params.set_param(CURSOR_PARAM, "scores:0")
            else:
                params.set_param(CURSOR_PARAM, f"figures:{high}")
            done, remaining = high - last, max(top - high, 0) + 1
        else:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM crm_retail_customer_profile")
            top = cr.fetchone()[0]
            high = min(last + chunk_size, top)
            cr.execute("SET LOCAL jit = off")
            self._update_derived(SQL("pr.id > %s AND pr.id <= %s", last, high), now)
            self.invalidate_model()
            if high >= top:
                params.set_param(CURSOR_PARAM, "figures:0")
                remaining = 0
            else:
                params.set_param(CURSOR_PARAM, f"scores:{high}")
                remaining = top - high
            done = high - last
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

    @api.model
    def _rebuild_all(self, chunk_size=50000):
        """The nightly job in one go (install, tests, the rule preview)."""
        self.env["ir.config_parameter"].sudo().set_param(CURSOR_PARAM, "figures:0")
        while self._cron_rebuild_profiles(chunk_size):
            pass
        return True
