# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    member_program_id = fields.Many2one(
        "loyalty.program",
        string="Member Programme",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [id, False])]",
        help="The loyalty programme every member of this company has a card on. Only "
        "this programme keeps points in lots that expire; every other programme works "
        "exactly as in Odoo. Created on the first enrolment when empty.",
    )

    tier_qualification_days = fields.Integer(
        "Tier Qualification Window (days)",
        default=365,
        help="Spend and orders over this many days decide a member's tier.",
    )
    tier_grace_days = fields.Integer(
        "Tier Grace Period (days)",
        default=30,
        help="How long a member may stay below a tier's thresholds before being moved down.",
    )
    tier_downgrade_mode = fields.Selection(
        [("step", "One tier at a time"), ("direct", "Straight to the tier they qualify for")],
        "Tier Downgrade",
        default="step",
        required=True,
    )

    def _create_member_program(self):
        """Create the seeds' default programme where a company has none.

        10 points per 100 TWD spent, 1 point = 1 TWD off, each batch valid 90
        days, used oldest first, 30 days' notice before points expire.
        """
        for company in self.filtered(lambda c: not c.member_program_id):
            program = (
                self.env["loyalty.program"]
                .sudo()
                .with_company(company)
                .create(
                    {
                        "name": self.env._("Member Points"),
                        "program_type": "loyalty",
                        "company_id": company.id,
                        "currency_id": company.currency_id.id,
                        "applies_on": "both",
                        "trigger": "auto",
                        "portal_visible": True,
                        "portal_point_name": self.env._("Points"),
                        "pos_ok": True,
                        "sale_ok": True,
                        "points_validity_days": 90,
                        "points_expiry_policy": "rolling",
                        "points_expiry_notice_days": 30,
                        # the seeds count 10 points per full 100 TWD
                        "points_rounding": "unit",
                        "points_rounding_unit": 100,
                        "rule_ids": [
                            (5, 0, 0),
                            (
                                0,
                                0,
                                {
                                    "reward_point_mode": "money",
                                    "reward_point_amount": 0.1,
                                    "minimum_qty": 0,
                                    "minimum_amount": 0,
                                },
                            ),
                        ],
                        "reward_ids": [
                            (5, 0, 0),
                            (
                                0,
                                0,
                                {
                                    "reward_type": "discount",
                                    "discount_mode": "per_point",
                                    "discount": 1,
                                    "discount_applicability": "order",
                                    "required_points": 1,
                                    "description": self.env._("Points discount (1 point = 1)"),
                                },
                            ),
                        ],
                    }
                )
            )
            company.sudo().member_program_id = program
            company._create_default_tiers()
            company._translate_member_program()

    def _translate_member_program(self):
        """The programme, its reward and the default tiers read in every
        installed language (a café owner in zh_TW sees 會員點數, not Member
        Points), English as the source: the same words as the code's
        translations, whatever the language of the user who created them."""
        Tier = self.env["crm.retail.tier"].sudo()
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for company in self:
            program = company.member_program_id.sudo()
            reward = program.reward_ids[:1]
            tiers = Tier.search([("company_id", "=", company.id)], order="sequence")
            values = {}
            for lang in ["en_US", *[code for code in langs if code != "en_US"]]:
                tr = self.with_context(lang=lang).env
                values[lang] = {
                    "program": tr._("Member Points"),
                    "points": tr._("Points"),
                    "reward": tr._("Points discount (1 point = 1)"),
                    10: (tr._("Member"), tr._("10 points per 100 spent.")),
                    20: (tr._("VIP"), tr._("From the 3rd purchase: 1.5 times the points.")),
                    30: (tr._("Gold"), tr._("20,000 spent in a year: double points.")),
                }
            english = values.pop("en_US")
            program.with_context(lang="en_US").write(
                {"name": english["program"], "portal_point_name": english["points"]}
            )
            reward.with_context(lang="en_US").description = english["reward"]
            for tier in tiers.with_context(lang="en_US"):
                if tier.sequence in english:
                    tier.write(
                        {"name": english[tier.sequence][0], "benefits": english[tier.sequence][1]}
                    )
            for lang, words in values.items():
                program.update_field_translations("name", {lang: words["program"]})
                program.update_field_translations("portal_point_name", {lang: words["points"]})
                reward.update_field_translations("description", {lang: words["reward"]})
                for tier in tiers:
                    if tier.sequence in words:
                        tier.update_field_translations("name", {lang: words[tier.sequence][0]})
                        tier.update_field_translations("benefits", {lang: words[tier.sequence][1]})

    def _create_default_tiers(self):
        """The seeds' ladder: Member, VIP at the 3rd purchase, a spend-based top tier."""
        Tier = self.env["crm.retail.tier"].sudo()
        for company in self:
            if Tier.search_count([("company_id", "=", company.id)]):
                continue
            Tier.create(
                [
                    {
                        "name": self.env._("Member"),
                        "sequence": 10,
                        "company_id": company.id,
                        "color": 0,
                        "points_multiplier": 1.0,
                        "benefits": self.env._("10 points per 100 spent."),
                    },
                    {
                        "name": self.env._("VIP"),
                        "sequence": 20,
                        "company_id": company.id,
                        "color": 3,
                        "min_orders": 3,
                        "points_multiplier": 1.5,
                        "benefits": self.env._("From the 3rd purchase: 1.5 times the points."),
                    },
                    {
                        "name": self.env._("Gold"),
                        "sequence": 30,
                        "company_id": company.id,
                        "color": 2,
                        "min_amount": 20000,
                        "min_orders": 3,
                        "points_multiplier": 2.0,
                        "benefits": self.env._("20,000 spent in a year: double points."),
                    },
                ]
            )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("member_program_id"):
            # a programme that already ran becomes a member programme: its
            # cards' balances become opening lots
            self.member_program_id._ledger_open_cards()
        return result
