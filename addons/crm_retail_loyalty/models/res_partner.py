# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

try:
    import phonenumbers
except ImportError:  # phone_validation works without it too
    phonenumbers = None

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

# anything but digits and the separators people type in a phone number
MOBILE_CHARS = re.compile(r"[^\d\s+\-().]")
MOBILE_TYPES = (
    (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if phonenumbers
    else ()
)

CONSENT_SOURCES = [
    ("pos", "At the till"),
    ("backoffice", "Back office"),
    ("online", "Online"),
    ("import", "Import"),
]


def _profile_figure(field_type, fname, **kwargs):
    """A figure of the partner's purchase profile in the current company."""
    return field_type(
        related=f"purchase_profile_id.{fname}", depends_context=("company",), **kwargs
    )


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
    member_next_expiry_points = fields.Float(
        related="member_card_id.next_expiry_points", string="Points at Next Expiry"
    )
    member_expiry_notice_days = fields.Integer(
        related="member_card_id.points_expiry_notice_days", string="Expiry Notice (days)"
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
        "crm.retail.customer.profile",
        readonly=True,
        copy=False,
        company_dependent=True,
        help="The customer's purchase profile in the current company: one per company.",
    )
    # the current company's profile figures, searchable, sortable and
    # groupable in the partner list; cached per company like the link
    profile_first_purchase_date = _profile_figure(
        fields.Datetime, "first_purchase_date", string="First Purchase"
    )
    profile_last_purchase_date = _profile_figure(
        fields.Datetime, "last_purchase_date", string="Last Purchase"
    )
    profile_order_count = _profile_figure(fields.Integer, "order_count")
    profile_total_spent = _profile_figure(
        fields.Monetary, "total_spent", currency_field="profile_currency_id"
    )
    profile_order_count_90 = _profile_figure(fields.Integer, "order_count_90")
    profile_spent_90 = _profile_figure(
        fields.Monetary, "spent_90", currency_field="profile_currency_id"
    )
    profile_order_count_365 = _profile_figure(fields.Integer, "order_count_365")
    profile_spent_365 = _profile_figure(
        fields.Monetary, "spent_365", currency_field="profile_currency_id"
    )
    profile_average_ticket = _profile_figure(
        fields.Monetary, "average_ticket", currency_field="profile_currency_id"
    )
    profile_currency_id = _profile_figure(fields.Many2one, "currency_id", string="Profile Currency")
    profile_avg_days_between = _profile_figure(fields.Float, "avg_days_between")
    profile_next_purchase_date = _profile_figure(fields.Date, "next_purchase_date")
    profile_days_overdue = _profile_figure(fields.Integer, "days_overdue", string="Days Overdue")
    profile_favourite_config_id = _profile_figure(fields.Many2one, "favourite_config_id")
    profile_favourite_payment_method_id = _profile_figure(
        fields.Many2one, "favourite_payment_method_id"
    )
    profile_top_categ_ids = _profile_figure(fields.Many2many, "top_categ_ids")
    profile_pos_order_count = _profile_figure(fields.Integer, "pos_order_count")
    profile_online_order_count = _profile_figure(fields.Integer, "online_order_count")
    profile_channel_mix = _profile_figure(fields.Char, "channel_mix_display")
    profile_rfm_score = _profile_figure(fields.Char, "rfm_score")
    profile_rfm_recency = _profile_figure(fields.Integer, "rfm_recency")
    profile_rfm_frequency = _profile_figure(fields.Integer, "rfm_frequency")
    profile_rfm_monetary = _profile_figure(fields.Integer, "rfm_monetary")
    profile_rfm_segment = _profile_figure(fields.Selection, "rfm_segment")
    member_card_code = fields.Char(
        related="member_card_id.code", string="Member Card Code", readonly=True
    )
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
            "member_card_code",
            "member_points",
            "member_points_expiring",
            "member_next_expiry_date",
            "member_next_expiry_points",
            "member_expiry_notice_days",
            "birthday",
            "member_tier_name",
            "member_tier_multiplier",
            "member_tag_names",
        ]

    @api.model
    def pos_member_lookup(self, number):
        """Phone-first enrolment: the customer who already has this number."""
        self._member_check_mobile_text(number)
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
        # consents given at the till are stamped as such
        for channel in ("email", "sms", "line"):
            if f"consent_{channel}" in values:
                values[f"consent_{channel}_source"] = "pos"
        if partner:
            partner.write({k: v for k, v in values.items() if k != "mobile" or not partner.mobile})
        else:
            if not values.get("name"):
                raise ValidationError(self.env._("A new member needs a name."))
            partner = self.create(dict(values, company_id=self.env.company.id))
        partner.action_member_enroll(channel="pos", pos_config=config)
        return partner.read(self._load_pos_data_fields(False), load=False)[0]

    @api.model
    def _member_check_mobile_text(self, number, country=None):
        """A member's number: a mobile, typed as digits with spaces, dashes,
        dots or brackets (letters are never read as keypad digits), a
        Taiwanese 09xx xxx xxx or a foreign mobile in international form."""
        text = (number or "").strip()
        if not text:
            raise ValidationError(self.env._("Enter the customer's mobile number."))
        if MOBILE_CHARS.search(text):
            raise ValidationError(
                self.env._(
                    "%(number)s is not a phone number: type digits only "
                    "(spaces and dashes are fine).",
                    number=text,
                )
            )
        if phonenumbers is None:
            return text
        country = country or self.env.company.country_id
        try:
            parsed = phonenumbers.parse(text, (country.code or "TW") if country else "TW")
        except phonenumbers.NumberParseException:
            parsed = None
        if not parsed or not phonenumbers.is_possible_number(parsed):
            raise ValidationError(
                self.env._(
                    "%(number)s is not a valid mobile number for %(country)s.",
                    number=text,
                    country=country.name or "",
                )
            )
        national = str(parsed.national_number)
        if parsed.country_code == 886:
            # Taiwan: every mobile is 09xx xxx xxx (new 09xx blocks are
            # opened faster than phone libraries learn them)
            mobile = len(national) == 9 and national.startswith("9")
        else:
            mobile = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
                *MOBILE_TYPES,
                phonenumbers.PhoneNumberType.UNKNOWN,
            )
        if not mobile:
            raise ValidationError(
                self.env._(
                    "%(number)s is a landline: a member needs a mobile number "
                    "(09xx xxx xxx, or a foreign mobile in international form).",
                    number=text,
                )
            )
        return text

    def _member_normalized_mobile_for(self, number):
        self._member_check_mobile_text(number)
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
    def _consent_vals(self, vals, source="backoffice"):
        """Stamp date and source on the consents ``vals`` changes (the source
        the caller gave, else the back office)."""
        now = fields.Datetime.now()
        for channel in ("email", "sms", "line"):
            key = f"consent_{channel}"
            if key in vals and f"{key}_date" not in vals:
                vals[f"{key}_date"] = now
                vals.setdefault(f"{key}_source", source)
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._consent_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._consent_vals(vals)
        if {"mobile", "phone"} & set(vals):
            for partner in self.filtered("is_member"):
                number = vals.get("mobile", partner.mobile) or vals.get("phone", partner.phone)
                sanitized = number and partner._phone_format(
                    number=number,
                    country=partner.country_id or partner.member_company_id.country_id,
                    force_format="E164",
                )
                if sanitized:
                    partner._member_check_unique(
                        sanitized, partner.member_company_id, number=number
                    )
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
        company_partners = self.env["res.company"].sudo().search([]).partner_id
        return members or self.search(
            [
                ("phone_sanitized", "=", sanitized),
                ("company_id", "in", [company.id, False]),
                ("type", "=", "contact"),
                ("is_company", "=", False),
                ("id", "not in", company_partners.ids),
            ],
            limit=1,
        )

    @api.constrains("is_member", "mobile", "phone", "member_company_id")
    def _check_member_mobile(self):
        for partner in self.filtered("is_member"):
            partner._member_check_unique(
                partner._member_normalized_mobile(), partner.member_company_id
            )

    def _member_check_unique(self, sanitized, company, number=None):
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
                        number=number or partner.mobile or partner.phone,
                        member=duplicate.display_name,
                    )
                )

    def action_member_enroll(self, channel="backoffice", pos_config=None):
        """Enrol the partners as members of the current company. Idempotent.

        Cashiers and managers only. A contact shared between companies stays
        shared: membership belongs to ``member_company_id``, the contact's own
        company is never changed. A company (or a contact of one) is never
        enrolled.
        """
        if not self.env.su and not self.env.user.has_group(
            "crm_retail_loyalty.crm_retail_loyalty_group_user"
        ):
            raise AccessError(self.env._("Only cashiers and loyalty managers can enrol members."))
        if pos_config is not None and not isinstance(pos_config, models.BaseModel):
            pos_config = self.env["pos.config"].browse(int(pos_config)).exists() or None
        channel = channel if channel in ("pos", "backoffice", "online") else "backoffice"
        company = self.env.company
        if not company.member_program_id:
            company.sudo()._create_member_program()
        program = company.member_program_id
        today = fields.Date.context_today(self)
        for partner in self:
            if partner.is_member and partner.member_card_id:
                continue
            if partner.is_company or self.env["res.company"].sudo().search_count(
                [("partner_id", "=", partner.id)], limit=1
            ):
                raise ValidationError(
                    self.env._(
                        "%(name)s is a company, not a customer: only people can be members.",
                        name=partner.display_name,
                    )
                )
            if partner.mobile or partner.phone:
                partner._member_check_mobile_text(
                    partner.mobile or partner.phone, partner.country_id or company.country_id
                )
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
            card = self.env["loyalty.card"].sudo().search(
                [("partner_id", "=", partner.id), ("program_id", "=", program.id)], limit=1
            ) or self.env["loyalty.card"].sudo().create(
                {"partner_id": partner.id, "program_id": program.id, "points": 0}
            )
            vals["member_card_id"] = card.id
            partner.sudo().write(vals)
            partner._member_tier_evaluate(upgrade_only=True)
        return True

    def _member_notify_manager(self, summary, note):
        """An activity for a loyalty manager of the member's company."""
        self.ensure_one()
        company = self.member_company_id or self.company_id or self.env.company
        managers = self.env.ref("crm_retail_loyalty.crm_retail_loyalty_group_manager").users
        user = managers.filtered(
            lambda u: company in u.company_ids and not u.share and u.active and u.id != 1
        )[:1] or self.env.ref("base.user_admin", raise_if_not_found=False)
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=note,
            user_id=user.id if user else self.env.uid,
        )

    @api.model
    def _member_expiring_domain(self, days=30):
        limit = fields.Date.context_today(self) + timedelta(days=days)
        return [("is_member", "=", True), ("member_next_expiry_date", "<=", limit)]

    # ------------------------------------------------------------------
    # tiers: the engine is crm.retail.tier; these partner-side names are
    # kept for the till, the enrolment and the cron of existing databases
    # ------------------------------------------------------------------
    def _member_tier_figures(self, company):
        return self.env["crm.retail.tier"]._member_figures(self, company)

    def _member_tier_change(self, tier, reason, note=False):
        return self.env["crm.retail.tier"]._move_members(self, tier, reason, note=note)

    def action_member_set_tier(self, tier, reason):
        """A manager's override; the reason is kept on the history row."""
        if not self.env.user.has_group("crm_retail_loyalty.crm_retail_loyalty_group_manager"):
            raise AccessError(self.env._("Only a loyalty manager can change a member's tier."))
        if not (reason or "").strip():
            raise ValidationError(self.env._("Give a reason for changing the tier."))
        self.env["crm.retail.tier"]._move_members(self, tier, "manual", note=reason.strip())
        return True

    @api.model
    def _cron_evaluate_tiers(self, chunk_size=50000):
        return self.env["crm.retail.tier"]._cron_evaluate_tiers(chunk_size)

    def _member_tier_evaluate(self, upgrade_only=False):
        return self.env["crm.retail.tier"]._evaluate_members(self, upgrade_only=upgrade_only)
