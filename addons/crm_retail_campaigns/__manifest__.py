# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail CRM: Campaigns and Journeys",
    "summary": "Marketing user and manager groups for the member journeys still to come",
    "version": "18.0.1.0.0",
    "category": "Marketing",
    "author": "Retail CRM for Odoo",
    "website": "https://github.com/retail-crm-odoo/retail-crm",
    "license": "LGPL-3",
    "depends": ["crm_retail_loyalty", "mail", "sms", "mass_mailing"],
    "data": [
        "security/crm_retail_campaigns_security.xml",
        "security/ir.model.access.csv",
    ],
}
