# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Open the ledger and the purchase profiles; load the demo store.

    No programme is created here: a company gets its member programme (and
    the default tiers) when its first member is enrolled, or when a manager
    designates one of its loyalty programmes. Every other programme keeps
    working exactly as in Odoo.
    """
    module = env["ir.module.module"].search([("name", "=", "crm_retail_loyalty")])
    if module.demo:
        from .tools import store_data

        store_data.load_demo_store(env)
    companies = env["res.company"].search([])
    companies.member_program_id._ledger_open_cards()
    # purchase profiles of the customers the shop already has (the demo's too)
    env["crm.retail.customer.profile"]._rebuild_all()
    env["crm.retail.tag.rule"]._create_example_rules(companies)
