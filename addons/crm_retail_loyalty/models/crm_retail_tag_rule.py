# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from .crm_retail_customer_profile import SEGMENTS
from .retail_orders import paid_orders_sql


class CrmRetailTagRule(models.Model):
    """A behaviour rule that keeps an Odoo partner tag up to date.

    The rule owns its tag: the nightly run computes, in SQL, who matches and
    applies only the difference (adds the tag to who entered, removes it from
    who left), writing one ``crm.retail.tag.history`` row per change. Other
    tags on the partners are never touched.
    """

    _name = "crm.retail.tag.rule"
    _description = "Behaviour Tag Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=False)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tag_id = fields.Many2one(
        "res.partner.category",
        help="The partner tag this rule keeps up to date; created from the name when empty.",
    )
    kind = fields.Selection(
        [
            ("recency", "No purchase in N days"),
            ("frequency", "At least N orders in D days"),
            ("monetary", "Spend over D days"),
            ("affinity", "Bought these, not those"),
            ("lifecycle", "Lifecycle"),
            ("rfm", "RFM segment"),
            ("tier", "Tier"),
            ("birthday_month", "Birthday month"),
            ("domain", "Odoo domain"),
        ],
        required=True,
        default="recency",
    )
    members_only = fields.Boolean(default=True)
    days = fields.Integer(default=60, help="N or D days, depending on the kind.")
    min_orders = fields.Integer(default=1)
    amount = fields.Monetary()
    monetary_mode = fields.Selection(
        [("average", "Average per order"), ("total", "Total"), ("monthly", "Average per month")],
        default="average",
    )
    min_past_orders = fields.Integer(
        "Bought Before At Least",
        default=1,
        help="Recency: only customers with at least this many orders in the past "
        "(with a spend filter, the high-value lapsed).",
    )
    min_past_amount = fields.Monetary("Spent Before At Least")
    product_ids = fields.Many2many("product.product", "crm_retail_tag_rule_product_rel")
    categ_ids = fields.Many2many("product.category", "crm_retail_tag_rule_categ_rel")
    exclude_product_ids = fields.Many2many(
        "product.product", "crm_retail_tag_rule_exclude_product_rel", string="But Not Products"
    )
    exclude_categ_ids = fields.Many2many(
        "product.category", "crm_retail_tag_rule_exclude_categ_rel", string="But Not Categories"
    )
    lifecycle = fields.Selection(
        [("one_purchase", "One purchase only"), ("joined", "Joined within D days")],
        default="one_purchase",
    )
    tier_ids = fields.Many2many("crm.retail.tier", string="Tiers")
    rfm_segment = fields.Selection(SEGMENTS, "Segment", default="at_risk")
    birthday_month = fields.Selection(
        [("0", "Current month")] + [(str(m), str(m)) for m in range(1, 13)], default="0"
    )
    domain = fields.Char(default="[]")
    match_count = fields.Integer(compute="_compute_match_count", string="Matching Now")
    history_ids = fields.One2many("crm.retail.tag.history", "rule_id", readonly=True)

    _sql_constraints = [
        ("days_positive", "CHECK(days >= 0)", "The number of days cannot be negative."),
    ]

    @api.constrains("domain", "kind")
    def _check_domain(self):
        for rule in self.filtered(lambda r: r.kind == "domain"):
            try:
                self.env["res.partner"]._search(ast.literal_eval(rule.domain or "[]"))
            except (ValueError, SyntaxError) as error:
                raise ValidationError(
                    self.env._(
                        "The domain of %(rule)s is not valid: %(error)s",
                        rule=rule.name,
                        error=error,
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        for rule in rules.filtered(lambda r: not r.tag_id):
            rule.tag_id = self.env["res.partner.category"].create({"name": rule.name})
        return rules

    # ------------------------------------------------------------------
    # the example rules every company starts with
    # ------------------------------------------------------------------
    @api.model
    def _example_rule_values(self):
        """The example rules, by the XML id of the main company's copy
        (data/crm_retail_tag_rule_data.xml), names in the environment's language."""
        return {
            "tag_rule_lapsed_60_days": {
                "name": self.env._("No purchase in 60 days"),
                "kind": "recency",
                "days": 60,
                "sequence": 10,
            },
            "tag_rule_average_spend_3000": {
                "name": self.env._("3-month average spend of 3000 or more"),
                "kind": "monetary",
                "monetary_mode": "average",
                "amount": 3000,
                "days": 90,
                "sequence": 20,
            },
            "tag_rule_bought_a_not_b": {
                "name": self.env._("Bought A but not B"),
                "kind": "affinity",
                "days": 90,
                "sequence": 30,
            },
            "tag_rule_one_purchase": {
                "name": self.env._("One purchase only"),
                "kind": "lifecycle",
                "lifecycle": "one_purchase",
                "sequence": 40,
            },
            "tag_rule_20_purchases_a_year": {
                "name": self.env._("20 or more purchases in a year"),
                "kind": "frequency",
                "min_orders": 20,
                "days": 365,
                "sequence": 50,
            },
            "tag_rule_high_value_lapsed_90": {
                "name": self.env._("High-value member lapsed 90 days"),
                "kind": "recency",
                "days": 90,
                "min_past_orders": 5,
                "min_past_amount": 5000,
                "sequence": 60,
            },
        }

    @api.model
    def _create_example_rules(self, companies):
        """Give the companies that have no tag rule yet the example rules,
        inactive (preview, adjust and enable them), each with its own tag,
        named in every installed language. Return the rules created."""
        rules = self.sudo().with_context(active_test=False, lang=None)
        have = {
            company.id
            for (company,) in rules._read_group(
                [("company_id", "in", companies.ids)], groupby=["company_id"]
            )
        }
        todo = companies.filtered(lambda c: c.id not in have)
        if not todo:
            return self.browse()
        examples = rules._example_rule_values()
        translations = {
            lang: rules.with_context(lang=lang)._example_rule_values()
            for lang, __ in self.env["res.lang"].get_installed()
            if lang != "en_US"
        }
        created = rules.create(
            [dict(vals, company_id=company.id) for company in todo for vals in examples.values()]
        )
        keys = list(examples) * len(todo)
        for rule, key in zip(created, keys, strict=True):
            for lang, values in translations.items():
                name = values[key]["name"]
                if name != examples[key]["name"]:
                    rule.update_field_translations("name", {lang: name})
                    rule.tag_id.update_field_translations("name", {lang: name})
        return created

    # ------------------------------------------------------------------
    # who matches, in SQL
    # ------------------------------------------------------------------
    def _orders_sql(self, since=None):
        """Paid POS and online orders of the rule's company: partner (the
        order's own), date, amount, order id and model."""
        return paid_orders_sql(
            self.env, company_id=self.company_id.id, since=since, commercial=False
        )

    def _lines_sql(self, since):
        """Products bought (POS and online) since a date: partner, product, category."""
        return SQL(
            """
            WITH o AS (%(orders)s)
            SELECT o.partner_id, l.product_id, t.categ_id
              FROM o
              JOIN pos_order_line l ON l.order_id = o.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
             WHERE o.model = 'pos.order' AND l.qty > 0
            UNION ALL
            SELECT o.partner_id, l.product_id, t.categ_id
              FROM o
              JOIN sale_order_line l ON l.order_id = o.order_id
              JOIN product_product p ON p.id = l.product_id
              JOIN product_template t ON t.id = p.product_tmpl_id
             WHERE o.model = 'sale.order' AND l.product_uom_qty > 0
            """,
            orders=self._orders_sql(since),
        )

    def _categories(self, categories):
        if not categories:
            return []
        return self.env["product.category"].search([("id", "child_of", categories.ids)]).ids

    def _match_sql(self):
        """A query returning the ids of the partners this rule matches now."""
        self.ensure_one()
        now = fields.Datetime.now()
        since = now - timedelta(days=self.days or 0)
        kind = self.kind
        if kind == "recency":
            query = SQL(
                """SELECT partner_id FROM (%s) o GROUP BY partner_id
                    HAVING MAX(date_order) < %s AND COUNT(*) >= %s
                       AND COALESCE(SUM(amount), 0) >= %s""",
                self._orders_sql(),
                since,
                max(self.min_past_orders, 1),
                self.min_past_amount or 0,
            )
        elif kind == "frequency":
            query = SQL(
                """SELECT partner_id FROM (%s) o
                    GROUP BY partner_id HAVING SUM(SIGN(amount)) >= %s""",
                self._orders_sql(since),
                self.min_orders,
            )
        elif kind == "monetary":
            measure = {
                "average": SQL("SUM(amount) / NULLIF(SUM(SIGN(amount)), 0)"),
                "total": SQL("SUM(amount)"),
                "monthly": SQL("SUM(amount) / GREATEST(%s / 30.0, 1)", self.days or 30),
            }[self.monetary_mode or "average"]
            query = SQL(
                "SELECT partner_id FROM (%s) o GROUP BY partner_id HAVING %s >= %s",
                self._orders_sql(since),
                measure,
                self.amount or 0,
            )
        elif kind == "affinity":
            query = SQL(
                """SELECT partner_id FROM (%s) b GROUP BY partner_id
                    HAVING BOOL_OR(product_id = ANY(%s) OR categ_id = ANY(%s))
                       AND NOT BOOL_OR(product_id = ANY(%s) OR categ_id = ANY(%s))""",
                self._lines_sql(since),
                self.product_ids.ids,
                self._categories(self.categ_ids),
                self.exclude_product_ids.ids,
                self._categories(self.exclude_categ_ids),
            )
        elif kind == "lifecycle" and self.lifecycle == "one_purchase":
            query = SQL(
                "SELECT partner_id FROM (%s) o GROUP BY partner_id HAVING SUM(SIGN(amount)) = 1",
                self._orders_sql(),
            )
        elif kind == "lifecycle":
            query = SQL(
                "SELECT id FROM res_partner WHERE is_member AND member_since >= %s",
                since.date(),
            )
        elif kind == "rfm":
            # the segment in the rule's company: a customer has a profile per company
            query = SQL(
                """SELECT partner_id FROM crm_retail_customer_profile
                    WHERE rfm_segment = %s AND company_id = %s""",
                self.rfm_segment,
                self.company_id.id,
            )
        elif kind == "tier":
            query = SQL(
                "SELECT id FROM res_partner WHERE member_tier_id = ANY(%s)", self.tier_ids.ids
            )
        elif kind == "birthday_month":
            month = int(self.birthday_month or 0) or fields.Date.context_today(self).month
            query = SQL("SELECT id FROM res_partner WHERE EXTRACT(MONTH FROM birthday) = %s", month)
        else:
            domain = ast.literal_eval(self.domain or "[]")
            query = (
                self.env["res.partner"]
                .sudo()
                .with_company(self.company_id)
                ._search(domain)
                .select()
            )
        members = SQL("AND p.is_member AND p.member_company_id = %s", self.company_id.id)
        return SQL(
            """SELECT p.id FROM res_partner p
                WHERE p.active AND p.id IN (%s)
                  AND (p.company_id IS NULL OR p.company_id = %s) %s""",
            query,
            self.company_id.id,
            members if self.members_only else SQL(""),
        )

    def _matching_ids(self):
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(self._match_sql())
        return [row[0] for row in self.env.cr.fetchall()]

    @api.depends(
        "kind", "days", "min_orders", "amount", "monetary_mode", "product_ids", "categ_ids",
        "exclude_product_ids", "exclude_categ_ids", "lifecycle", "tier_ids", "rfm_segment",
        "birthday_month", "domain", "members_only", "min_past_orders", "min_past_amount",
    )  # fmt: skip
    def _compute_match_count(self):
        for rule in self:
            if not rule.id or not rule.company_id:
                rule.match_count = 0
                continue
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) m", rule._match_sql()))
            rule.match_count = self.env.cr.fetchone()[0]

    def action_preview(self):
        """Who matches now, before the rule is enabled."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Matching %(rule)s", rule=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            # the members' list: mobile, tier, points and last purchase
            "views": [
                (self.env.ref("crm_retail_loyalty.res_partner_view_list").id, "list"),
                (False, "form"),
            ],
            "domain": [("id", "in", self._matching_ids())],
            "context": {"create": False},
        }

    # ------------------------------------------------------------------
    # nightly application: the difference only
    # ------------------------------------------------------------------
    def _apply(self):
        """Add the tag to who entered, remove it from who left; log both.

        Return the counts, all rules together: ``{"entered", "left", "matching"}``.
        """
        counts = {"entered": 0, "left": 0, "matching": 0}
        for rule in self:
            matching = set(rule._matching_ids())
            self.env.cr.execute(
                SQL(
                    """SELECT partner_id FROM res_partner_res_partner_category_rel
                        WHERE category_id = %s""",
                    rule.tag_id.id,
                )
            )
            tagged = {row[0] for row in self.env.cr.fetchall()}
            entered = sorted(matching - tagged)
            left = sorted(tagged - matching)
            counts["entered"] += len(entered)
            counts["left"] += len(left)
            counts["matching"] += len(matching)
            if entered:
                self.env.cr.execute(
                    SQL(
                        """INSERT INTO res_partner_res_partner_category_rel
                               (category_id, partner_id)
                           SELECT %s, unnest(%s::int[]) ON CONFLICT DO NOTHING""",
                        rule.tag_id.id,
                        entered,
                    )
                )
            if left:
                self.env.cr.execute(
                    SQL(
                        """DELETE FROM res_partner_res_partner_category_rel
                            WHERE category_id = %s AND partner_id = ANY(%s)""",
                        rule.tag_id.id,
                        left,
                    )
                )
            if entered or left:
                self.env.cr.execute(
                    SQL(
                        """INSERT INTO crm_retail_tag_history
                               (partner_id, tag_id, rule_id, company_id, action, date,
                                create_uid, write_uid, create_date, write_date)
                           SELECT pid, %(tag)s, %(rule)s, %(company)s, action,
                                  now() at time zone 'UTC', %(uid)s, %(uid)s,
                                  now() at time zone 'UTC', now() at time zone 'UTC'
                             FROM (SELECT unnest(%(entered)s::int[]) AS pid, 'entered' AS action
                                   UNION ALL
                                   SELECT unnest(%(left)s::int[]), 'left') changes""",
                        tag=rule.tag_id.id,
                        rule=rule.id,
                        company=rule.company_id.id,
                        uid=self.env.uid,
                        entered=entered,
                        left=left,
                    )
                )
            self.env["res.partner"].invalidate_model(["category_id"])
            self.env["crm.retail.tag.history"].invalidate_model()
            rule.invalidate_recordset(["history_ids"])
        return counts

    def action_apply(self):
        """Apply the rule now rather than waiting for the night (managers),
        and say what it did."""
        if not self.env.user.has_group("crm_retail_loyalty.crm_retail_loyalty_group_manager"):
            raise AccessError(self.env._("Only a loyalty manager can apply a tag rule."))
        counts = self.sudo()._apply()
        tags = ", ".join(self.sudo().tag_id.mapped("display_name"))
        if counts["entered"] or counts["left"]:
            message = self.env._(
                "Entered: %(entered)s, left: %(left)s. The tag %(tag)s now marks "
                "%(matching)s customer(s).",
                entered=counts["entered"],
                left=counts["left"],
                matching=counts["matching"],
                tag=tags,
            )
        else:
            message = self.env._(
                "Entered: 0, left: 0. The tag %(tag)s already marks the %(matching)s "
                "matching customer(s).",
                matching=counts["matching"],
                tag=tags,
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": ", ".join(self.mapped("name")),
                "message": message,
                "type": "success",
                "sticky": False,
                # the form shows the new entries and exits
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_apply_tag_rules(self):
        """Nightly: every active rule, one rule a call (the framework commits)."""
        rules = self.sudo().search([], order="id")
        params = self.env["ir.config_parameter"].sudo()
        last_id = int(params.get_param("crm_retail_loyalty.tag_rule_cursor", 0))
        todo = rules.filtered(lambda r: r.id > last_id)
        if todo:
            todo[0]._apply()
            params.set_param("crm_retail_loyalty.tag_rule_cursor", todo[0].id)
        remaining = len(todo) - 1 if todo else 0
        if remaining <= 0:
            params.set_param("crm_retail_loyalty.tag_rule_cursor", 0)
        self.env["ir.cron"]._notify_progress(done=min(len(todo), 1), remaining=max(remaining, 0))
        return remaining
