# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import store_data


class ResCompany(models.Model):
    _inherit = "res.company"

    member_program_id = fields.Many2one(
        "loyalty.program",
        string="Member Programme",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [id, False])]",
        help="The loyalty programme every member of this company has a card on.",
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
            company.member_program_id = program

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._create_member_program()
        return companies

    @api.model
    def _crm_retail_load_demo_store(self, customers=300, orders=4000, seed=2026):
        """Demo data: the Morning Light chain with a year of customers and orders."""
        if self.env.ref("crm_retail_loyalty.company_morning_light_demo", raise_if_not_found=False):
            return
        store = store_data.setup_store(self.env)
        store_data.generate_activity(self.env, store, customers, orders, seed=seed)
        # the administrator lands on the demo chain when logging in
        admin = self.env.ref("base.user_admin")
        admin.write({"company_id": store["company"].id})
