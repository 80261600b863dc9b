# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from .crm_retail_customer_profile import PAID

CONSENT_SOURCES = [
    ("pos", "At the till"),
    ("backoffice", "Back office"),
    ("online", "Online"),
    ("import", "Import"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    birthday = fields.Date(help="The customer's birthday, used for birthday rewards.")
    is_member = fields.Boolean("Member", readonly=True, copy=False, index=True)
    member_since = fields.Date(readonly=True, copy=False)
    member_company_id = fields.Many2one(
        "res.company", "Member Of", readonly=True, copy=False, index=True
    )
    member_card_id = fields.Many2one(
        "loyalty.card",
        readonly=True,
        copy=False,
        index="btree_not_null",  # the till finds a member by the code on the card
        help="The customer's card on the company's member programme.",
    )
    member_points = fields.Float(
        related="member_card_id.points", string="Points Balance", readonly=True
    )
    member_points_expiring = fields.Float(
        related="member_card_id.points_expiring", string="Points Expiring Soon"
    )
    member_next_expiry_date = fields.Date(
        related="member_card_id.next_expiry_date",
        string="Next Points Expiry",
        search="_search_member_next_expiry_date",
    )
    member_join_channel = fields.Selection(
        CONSENT_SOURCES, string="Joined Through", readonly=True, copy=False
    )
    member_join_pos_config_id = fields.Many2one(
        "pos.config", string="Joined At Store", readonly=True, copy=False
    )
    member_history_ids = fields.One2many(
        related="member_card_id.history_ids", string="Points History"
    )
    member_lot_ids = fields.One2many(related="member_card_id.lot_ids", string="Open Lots")
    consent_email = fields.Boolean(string="Email Consent", copy=False)
    consent_email_date = fields.Datetime(copy=False)
    consent_email_source = fields.Selection(CONSENT_SOURCES, copy=False)
    consent_sms = fields.Boolean(string="SMS Consent", copy=False)
    consent_sms_date = fields.Datetime(copy=False)
    consent_sms_source = fields.Selection(CONSENT_SOURCES, copy=False)
    consent_line = fields.Boolean(string="LINE Consent", copy=False)
    consent_line_date = fields.Datetime(copy=False)
    consent_line_source = fields.Selection(CONSENT_SOURCES, copy=False)
    line_user_id = fields.Char(string="LINE User ID", copy=False)
    can_email = fields.Boolean(
        compute="_compute_can_contact",
        help="Consent given and the address is not on Odoo's email blacklist.",
    )
    can_sms = fields.Boolean(
        compute="_compute_can_contact",
        help="Consent given and the number is not on Odoo's phone blacklist.",
    )
    can_line = fields.Boolean(compute="_compute_can_contact")
    member_tier_id = fields.Many2one(
        "crm.retail.tier", "Tier", readonly=True, copy=False, index=True
    )
    member_tier_name = fields.Char(related="member_tier_id.name", string="Tier Name")
    member_tag_names = fields.Char(
        compute="_compute_member_tag_names", help="The customer's tags, for the till."
    )
    member_tier_multiplier = fields.Float(
        related="member_tier_id.points_multiplier", string="Tier Points Multiplier"
    )
    member_tier_manual = fields.Boolean(
        "Tier Set by Hand",
        readonly=True,
        copy=False,
        help="A manager set this tier: the nightly evaluation does not lower it.",
    )
    member_tier_below_since = fields.Date(
        readonly=True,
        copy=False,
        help="Since when the member no longer meets the tier's thresholds (grace period).",
    )
    member_tier_history_ids = fields.One2many(
        "crm.retail.tier.history", "partner_id", string="Tier Changes", readonly=True
    )
    purchase_profile_id = fields.Many2one(
        "crm.retail.customer.profile", readonly=True, copy=False, index=True
    )
    # the profile's figures, searchable, sortable and groupable in the partner list
    profile_first_purchase_date = fields.Datetime(
        related="purchase_profile_id.first_purchase_date", string="First Purchase"
    )
    profile_last_purchase_date = fields.Datetime(
        related="purchase_profile_id.last_purchase_date", string="Last Purchase"
    )
    profile_order_count = fields.Integer(related="purchase_profile_id.order_count")
    profile_total_spent = fields.Monetary(
        related="purchase_profile_id.total_spent", currency_field="profile_currency_id"
    )
    profile_order_count_90 = fields.Integer(related="purchase_profile_id.order_count_90")
    profile_spent_90 = fields.Monetary(
        related="purchase_profile_id.spent_90", currency_field="profile_currency_id"
    )
    profile_order_count_365 = fields.Integer(related="purchase_profile_id.order_count_365")
    profile_spent_365 = fields.Monetary(
        related="purchase_profile_id.spent_365", currency_field="profile_currency_id"
    )
    profile_average_ticket = fields.Monetary(
        related="purchase_profile_id.average_ticket", currency_field="profile_currency_id"
    )
    profile_currency_id = fields.Many2one(
        related="purchase_profile_id.currency_id", string="Profile Currency"
    )
    profile_avg_days_between = fields.Float(related="purchase_profile_id.avg_days_between")
    profile_next_purchase_date = fields.Date(related="purchase_profile_id.next_purchase_date")
    profile_days_overdue = fields.Integer(
        related="purchase_profile_id.days_overdue", string="Days Overdue"
    )
    profile_favourite_config_id = fields.Many2one(related="purchase_profile_id.favourite_config_id")
    profile_favourite_payment_method_id = fields.Many2one(
        related="purchase_profile_id.favourite_payment_method_id"
    )
    profile_top_categ_ids = fields.Many2many(related="purchase_profile_id.top_categ_ids")
    profile_pos_order_count = fields.Integer(related="purchase_profile_id.pos_order_count")
    profile_online_order_count = fields.Integer(related="purchase_profile_id.online_order_count")
    profile_channel_mix = fields.Char(related="purchase_profile_id.channel_mix_display")
    profile_rfm_score = fields.Char(related="purchase_profile_id.rfm_score")
    profile_rfm_recency = fields.Integer(related="purchase_profile_id.rfm_recency")
    profile_rfm_frequency = fields.Integer(related="purchase_profile_id.rfm_frequency")
    profile_rfm_monetary = fields.Integer(related="purchase_profile_id.rfm_monetary")
    profile_rfm_segment = fields.Selection(related="purchase_profile_id.rfm_segment")
    member_search = fields.Char(
        compute="_compute_member_search",
        search="_search_member_search",
        help="Finds a member by mobile number in any format or by card code.",
    )

    def init(self):
        res = super().init()
        # one member per mobile number per company, even under concurrent enrolments
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS res_partner_member_phone_uniq
                   ON res_partner (member_company_id, phone_sanitized)
                   WHERE is_member AND phone_sanitized IS NOT NULL;
                   -- the till looks customers up by their normalised number
                   CREATE INDEX IF NOT EXISTS res_partner_phone_sanitized_idx
                   ON res_partner (phone_sanitized) WHERE phone_sanitized IS NOT NULL"""
            )
        )
        return res

    @api.depends(
        "consent_email",
        "consent_sms",
        "consent_line",
        "email",
        "mobile",
        "phone",
        "is_blacklisted",
        "phone_sanitized_blacklisted",
        "line_user_id",
    )
    def _compute_can_contact(self):
        for partner in self:
            partner.can_email = bool(
                partner.consent_email and partner.email and not partner.is_blacklisted
            )
            partner.can_sms = bool(
                partner.consent_sms
                and partner.phone_sanitized
                and not partner.phone_sanitized_blacklisted
            )
            partner.can_line = bool(partner.consent_line and partner.line_user_id)

    def _search_member_next_expiry_date(self, operator, value):
        if operator not in ("<", "<=", ">", ">=", "=", "!="):
            raise ValidationError(self.env._("Unsupported search on the next points expiry."))
        if isinstance(value, str):
            value = fields.Date.to_date(value)
        return [
            (
                "member_card_id.history_ids",
                "any",
                [
                    ("is_lot", "=", True),
                    ("points_remaining", ">", 0),
                    ("expiration_date", operator, value),
                ],
            )
        ]

    @api.depends("category_id")
    def _compute_member_tag_names(self):
        for partner in self:
            partner.member_tag_names = ", ".join(partner.category_id.mapped("name")) or False

    def _compute_member_search(self):
        self.member_search = False

    def _search_member_search(self, operator, value):
        """Members by the code on their card or by mobile number in any format.

        Every term is one an index answers, so that the till's partner search
        stays fast at a million customers: the card (its code, then the
        partner's ``member_card_id``), the number once normalised
        (``phone_sanitized``) and the digits anywhere in the mobile or phone
        (phone_validation's ``phone_mobile_search``, on its trigram indexes).
        """
        if operator not in ("ilike", "=", "=ilike", "like") or not isinstance(value, str):
            raise ValidationError(self.env._("Unsupported search on members."))
        text = value.strip().strip("%").strip()
        if not text:
            return [("id", "=", 0)]
        cards = self.env["loyalty.card"].search([("code", "=", text)])
        domains = [[("member_card_id", "in", cards.ids)]]
        number = "".join(ch for ch in text if ch.isdigit() or ch == "+")
        digits = number.lstrip("0")
        if len(digits) >= 6 and not any(ch.isalpha() for ch in text):
            domains.append([("phone_mobile_search", "ilike", digits)])
            sanitized = self._phone_format(
                number=number, country=self.env.company.country_id, force_format="E164"
            )
            if sanitized:
                # written another way (stored locally, typed internationally)
                domains.append([("phone_sanitized", "=", sanitized)])
        return expression.OR(domains)

    # ------------------------------------------------------------------
    # POS
    # ------------------------------------------------------------------
    @api.model
    def _load_pos_data_fields(self, config_id):
        return super()._load_pos_data_fields(config_id) + [
            "is_member",
            "member_since",
            "member_card_id",
            "member_points",
            "member_points_expiring",
            "member_next_expiry_date",
            "birthday",
            "member_tier_name",
            "member_tier_multiplier",
            "member_tag_names",
        ]

    @api.model
    def pos_member_lookup(self, number):
        """Phone-first enrolment: the customer who already has this number."""
        partner = self._member_find_by_mobile(number)
        if not partner:
            return False
        return partner.read(self._load_pos_data_fields(False), load=False)[0]

    @api.model
    def pos_member_enroll(self, vals, config_id=False):
        """Create (or complete) and enrol a member from the till."""
        config = self.env["pos.config"].browse(config_id) if config_id else None
        number = vals.get("mobile")
        partner = self._member_find_by_mobile(number) if number else self.browse()
        values = {
            key: vals[key]
            for key in (
                "name",
                "mobile",
                "email",
                "birthday",
                "consent_email",
                "consent_sms",
                "consent_line",
            )
            if vals.get(key) not in (None, "")
        }
        if number:
            values["mobile"] = self.browse()._member_normalized_mobile_for(number)
        Partner = self.with_context(crm_consent_source="pos")
        if partner:
            partner.with_context(crm_consent_source="pos").write(
                {k: v for k, v in values.items() if k != "mobile" or not partner.mobile}
            )
        else:
            if not values.get("name"):
                raise ValidationError(self.env._("A new member needs a name."))
            partner = Partner.create(dict(values, company_id=self.env.company.id))
        partner.action_member_enroll(channel="pos", pos_config=config)
        return partner.read(self._load_pos_data_fields(False), load=False)[0]

    def _member_normalized_mobile_for(self, number):
        country = self.env.company.country_id
        formatted = self._phone_format(number=number, country=country, force_format="E164")
        if not formatted:
            raise ValidationError(
                self.env._(
                    "%(number)s is not a valid mobile number for %(country)s.",
                    number=number,
                    country=country.name or "",
                )
            )
        return self._phone_format(number=formatted, country=country, force_format="INTERNATIONAL")

    # ------------------------------------------------------------------
    # consent
    # ------------------------------------------------------------------
    def _consent_vals(self, vals, source):
        """Stamp date and source on the consents ``vals`` changes."""
        now = fields.Datetime.now()
        for channel in ("email", "sms", "line"):
            key = f"consent_{channel}"
            if key in vals and f"{key}_date" not in vals:
                vals[f"{key}_date"] = now
                vals[f"{key}_source"] = source
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        source = self.env.context.get("crm_consent_source", "backoffice")
        for vals in vals_list:
            self._consent_vals(vals, source)
        return super().create(vals_list)

    def write(self, vals):
        self._consent_vals(vals, self.env.context.get("crm_consent_source", "backoffice"))
        return super().write(vals)

    # ------------------------------------------------------------------
    # enrolment
    # ------------------------------------------------------------------
    def _member_normalized_mobile(self, number=None, country=None):
        """E.164 form of the partner's mobile number, or a clear error."""
        self.ensure_one()
        number = number or self.mobile or self.phone
        if not number:
            raise ValidationError(
                self.env._(
                    "A member needs a mobile number: %(name)s has none.", name=self.display_name
                )
            )
        country = country or self.country_id or self.env.company.country_id
        formatted = self._phone_format(number=number, country=country, force_format="E164")
        if not formatted:
            raise ValidationError(
                self.env._(
                    "%(number)s is not a valid mobile number for %(country)s.",
                    number=number,
                    country=country.name or "",
                )
            )
        return formatted

    @api.model
    def _member_find_by_mobile(self, number, company=None):
        """The member (or any customer) of ``company`` with this mobile number."""
        company = company or self.env.company
        sanitized = self._phone_format(
            number=number, country=company.country_id, force_format="E164"
        )
        if not sanitized:
            return self.browse()
        members = self.search(
            [
                ("phone_sanitized", "=", sanitized),
                ("member_company_id", "=", company.id),
                ("is_member", "=", True),
            ],
            limit=1,
        )
        return members or self.search(
            [
                ("phone_sanitized", "=", sanitized),
                ("company_id", "in", [company.id, False]),
                ("type", "=", "contact"),
            ],
            limit=1,
        )

    @api.constrains("is_member", "mobile", "phone", "member_company_id")
    def _check_member_mobile(self):
        for partner in self.filtered("is_member"):
            partner._member_check_unique(
                partner._member_normalized_mobile(), partner.member_company_id
            )

    def _member_check_unique(self, sanitized, company):
        for partner in self:
            duplicate = self.sudo().search(
                [
                    ("id", "!=", partner.id),
                    ("is_member", "=", True),
                    ("member_company_id", "=", company.id),
                    ("phone_sanitized", "=", sanitized),
                ],
                limit=1,
            )
            if duplicate:
                raise ValidationError(
                    self.env._(
                        "%(number)s already belongs to the member %(member)s.",
                        number=partner.mobile or partner.phone,
                        member=duplicate.display_name,
                    )
                )

    def action_member_enroll(self, channel="backoffice", pos_config=None):
        """Enrol the partners as members of the current company. Idempotent."""
        company = self.env.company
        if not company.member_program_id:
            company.sudo()._create_member_program()
        program = company.member_program_id
        today = fields.Date.context_today(self)
        for partner in self:
            if partner.is_member and partner.member_card_id:
                continue
            mobile = partner._member_normalized_mobile()
            partner._member_check_unique(mobile, company)
            vals = {
                "is_member": True,
                "member_since": partner.member_since or today,
                "member_company_id": company.id,
                "member_join_channel": partner.member_join_channel or channel,
                "member_join_pos_config_id": partner.member_join_pos_config_id.id
                or (pos_config and pos_config.id),
            }
            if not partner.mobile:
                vals["mobile"] = mobile
            if not partner.company_id:
                # members are the company's own customers
                vals["company_id"] = company.id
            card = self.env["loyalty.card"].sudo().search(
                [("partner_id", "=", partner.id), ("program_id", "=", program.id)], limit=1
            ) or self.env["loyalty.card"].sudo().create(
                {"partner_id": partner.id, "program_id": program.id, "points": 0}
            )
            vals["member_card_id"] = card.id
            partner.sudo().write(vals)
            partner._member_tier_evaluate(upgrade_only=True)
        return True

    @api.model
    def _member_expiring_domain(self, days=30):
        limit = fields.Date.context_today(self) + timedelta(days=days)
        return [("is_member", "=", True), ("member_next_expiry_date", "<=", limit)]

    # ------------------------------------------------------------------
    # tiers
    # ------------------------------------------------------------------
    def _member_tier_figures(self, company):
        """Spend and paid orders net of refunds over the qualification window,
        at the till and online, per partner id."""
        if not self.ids:
            return {}
        since = fields.Datetime.now() - timedelta(days=company.tier_qualification_days or 365)
        fnames = ["partner_id", "company_id", "state", "date_order", "amount_total"]
        self.env["pos.order"].flush_model(fnames)
        self.env["sale.order"].flush_model(fnames)
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, COALESCE(SUM(amount), 0),
                       COALESCE(SUM(SIGN(amount)), 0)::int
                  FROM (
                    SELECT partner_id, amount_total AS amount FROM pos_order
                     WHERE partner_id = ANY(%(ids)s) AND company_id = %(company)s
                       AND state IN %(paid)s AND date_order >= %(since)s
                    UNION ALL
                    SELECT partner_id, amount_total FROM sale_order
                     WHERE partner_id = ANY(%(ids)s) AND company_id = %(company)s
                       AND state = 'sale' AND date_order >= %(since)s
                  ) orders
                 GROUP BY partner_id
                """,
                ids=self.ids,
                company=company.id,
                paid=PAID,
                since=since,
            )
        )
        return {pid: (float(amount), orders) for pid, amount, orders in self.env.cr.fetchall()}

    def _member_tier_change(self, tier, reason, note=False):
        """Move the members to ``tier``, one history row each, in two
        set-based statements (the first nightly run moves every member)."""
        movers = self.filtered(lambda p: p.member_tier_id != tier)
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

    def action_member_set_tier(self, tier, reason):
        """A manager's override; the reason is kept on the history row."""
        if not self.env.user.has_group("crm_retail_loyalty.crm_retail_loyalty_group_manager"):
            raise AccessError(self.env._("Only a loyalty manager can change a member's tier."))
        if not (reason or "").strip():
            raise ValidationError(self.env._("Give a reason for changing the tier."))
        self._member_tier_change(tier, "manual", note=reason.strip())
        return True

    @api.model
    def _cron_evaluate_tiers(self, chunk_size=50000):
        """Nightly: upgrades that were missed, downgrades after the grace period.

        Members are taken in id order from a cursor kept in a system parameter,
        one bounded chunk a call; the job can be killed and rerun (a member's
        figures are recomputed each time, changes are idempotent).
        """
        params = self.env["ir.config_parameter"].sudo()
        last_id = int(params.get_param("crm_retail_loyalty.tier_cursor", 0))
        members = self.sudo().search(
            [("is_member", "=", True), ("id", ">", last_id)], order="id", limit=chunk_size
        )
        members._member_tier_evaluate()
        last = members[-1:].id
        remaining = (
            self.sudo().search_count([("is_member", "=", True), ("id", ">", last)])
            if len(members) == chunk_size
            else 0
        )
        # a finished run starts again from the first member next night
        params.set_param("crm_retail_loyalty.tier_cursor", last if remaining else 0)
        self.env["ir.cron"]._notify_progress(done=len(members), remaining=remaining)
        return len(members), remaining

    def _member_tier_evaluate(self, upgrade_only=False):
        """Move members to the tier their figures give them.

        Upgrades happen at once (at payment, ``upgrade_only``); downgrades only
        in the nightly run, once the member has been below the tier for the
        company's grace period, one step or straight down as it is set.
        """
        today = fields.Date.context_today(self)
        self = self.filtered("is_member")
        Tier = self.env["crm.retail.tier"].sudo()
        for company in self.member_company_id:
            members = self.filtered(lambda p, c=company: p.member_company_id == c)
            ladder = Tier._ladder(company)
            if not ladder:
                continue
            if upgrade_only:
                # at the till: nothing to look up for members already at the top
                members = members.filtered(lambda p, top=ladder[-1]: p.member_tier_id != top)
                if not members:
                    continue
            figures = members._member_tier_figures(company)
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
                self.browse(partner_ids)._member_tier_change(tier, reason)
            if below_from_today:
                self.browse(below_from_today).sudo().write({"member_tier_below_since": today})
            if back_above:
                self.browse(back_above).sudo().write({"member_tier_below_since": False})
