# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail CRM: Members and Loyalty",
    "summary": "POS members, consent, expiring point lots, tiers and behaviour tags",
    "version": "18.0.2.0.0",
    "category": "Sales/Point of Sale",
    "author": "Retail CRM for Odoo",
    "website": "https://github.com/retail-crm-odoo/retail-crm",
    "license": "LGPL-3",
    "depends": ["point_of_sale", "pos_loyalty", "sale_loyalty", "phone_validation", "sms"],
    "data": [
        "security/crm_retail_loyalty_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron.xml",
        "data/crm_retail_tag_rule_data.xml",
        "report/points_statement.xml",
        "views/loyalty_program_views.xml",
        "views/res_company_views.xml",
        "views/loyalty_card_views.xml",
        "views/loyalty_history_views.xml",
        "views/crm_retail_tier_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/crm_retail_tier_override_views.xml",
        "views/crm_retail_tag_rule_views.xml",
        "views/crm_retail_customer_profile_views.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "crm_retail_loyalty/static/src/**/*",
        ],
        "web.assets_tests": [
            "crm_retail_loyalty/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
}
