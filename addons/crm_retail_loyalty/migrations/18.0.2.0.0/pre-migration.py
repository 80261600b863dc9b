# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Purchase profiles per company: the partner's link becomes company-dependent.

``res_partner.purchase_profile_id`` was one profile id (int4 with a foreign
key); it becomes a jsonb of company id -> profile id, which PostgreSQL cannot
cast from an integer. Each link moves under its profile's company.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """SELECT data_type FROM information_schema.columns
            WHERE table_name = 'res_partner' AND column_name = 'purchase_profile_id'"""
    )
    row = cr.fetchone()
    if not row or row[0] == "jsonb":
        return
    # orders always have a company, so no profile should lack one; the field
    # becomes required
    cr.execute("DELETE FROM crm_retail_customer_profile WHERE company_id IS NULL")
    cr.execute("ALTER TABLE res_partner RENAME COLUMN purchase_profile_id TO crm_old_profile_id")
    cr.execute("ALTER TABLE res_partner ADD COLUMN purchase_profile_id jsonb")
    cr.execute(
        """UPDATE res_partner p
              SET purchase_profile_id = jsonb_build_object(pr.company_id::text, pr.id)
             FROM crm_retail_customer_profile pr
            WHERE pr.id = p.crm_old_profile_id"""
    )
    # the foreign key and the index go with the column
    cr.execute("ALTER TABLE res_partner DROP COLUMN crm_old_profile_id")
