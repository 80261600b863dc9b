# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Purchase profiles per company: split the customers who bought in several.

Until now a customer's profile summed the orders of every company under the
company of the last order. The customers who bought in one company only keep
a correct profile; the others are rebuilt now, one profile per company (the
next nightly run rebuilds everyone from the start anyway).
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.crm_retail_loyalty.models.retail_orders import paid_orders_sql


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ir.config_parameter"].set_param("crm_retail_loyalty.profile_cursor", "figures:0")
    rows = env.execute_query(
        SQL(
            """SELECT partner_id FROM (%s) o
                GROUP BY partner_id HAVING COUNT(DISTINCT company_id) > 1""",
            paid_orders_sql(env),
        )
    )
    partners = env["res.partner"].browse(row[0] for row in rows)
    env["crm.retail.customer.profile"]._rebuild_partners(partners)
