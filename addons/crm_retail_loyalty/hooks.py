# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Give every company the default member programme and open the ledger.

    Cards that already hold points (Odoo's loyalty cards have no lots) get an
    opening lot for their balance, valid from today, so the ledger's
    invariant holds from the first minute.
    """
    companies = env["res.company"].search([])
    companies._create_member_program()
    companies._create_default_tiers()
    env.cr.execute(
        """
        INSERT INTO loyalty_history (card_id, ledger_kind, description, issued, used, is_lot,
                                     points_remaining, ledger_key, create_uid, write_uid,
                                     create_date, write_date)
        SELECT c.id, 'opening', 'Opening balance', c.points, 0, true, c.points,
               'opening:' || c.id, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM loyalty_card c
          JOIN loyalty_program p ON p.id = c.program_id AND p.program_type = 'loyalty'
         WHERE c.points > 0
           -- cards written through the ledger already (the demo store's) have their lots
           AND NOT EXISTS (SELECT 1 FROM loyalty_history h
                            WHERE h.card_id = c.id AND h.ledger_kind IS NOT NULL)
        ON CONFLICT DO NOTHING
        """
    )
    # purchase profiles of the customers the shop already has
    env["crm.retail.customer.profile"]._rebuild_all()
