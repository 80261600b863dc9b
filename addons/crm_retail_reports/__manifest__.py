# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Retail CRM: Reports",
    "summary": "Placeholder for the owner reports on members and points (none yet)",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "author": "Retail CRM for Odoo",
    "website": "https://github.com/retail-crm-odoo/retail-crm",
    "license": "LGPL-3",
    "depends": ["crm_retail_campaigns"],
    "data": [
        "security/ir.model.access.csv",
    ],
}
