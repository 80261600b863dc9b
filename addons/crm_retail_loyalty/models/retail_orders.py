# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What counts as a purchase: paid POS orders and confirmed sale orders.

The purchase profile, the behaviour tag rules and the tier engine all read the
same orders; they take them from :func:`paid_orders_sql` so that the states,
the sign of refunds and the channel are decided in one place.
"""

from odoo.tools import SQL

# POS orders that are paid (``invoiced`` and ``done`` are paid too); a refund
# is a paid order with a negative total
PAID = ("paid", "done", "invoiced")
# sale orders count once confirmed (``cancel`` takes them back out)
SALE_CONFIRMED = "sale"


def paid_orders_sql(env, partner_ids=None, company_id=None, since=None, commercial=True):
    """A query of the paid POS orders and confirmed sale orders, one row each.

    Columns: ``partner_id`` (the order's commercial partner, or the order's
    own partner with ``commercial=False``), ``company_id``, ``order_id``,
    ``model`` (``'pos.order'`` or ``'sale.order'``), ``date_order``,
    ``amount`` (negative for a refund) and ``channel`` (the POS config id as
    text, ``'online'`` for a sale order).

    :param partner_ids: the orders of these partners only (the order's own
        partner): a list of ids, or an ``SQL`` query returning ids
    :param company_id: the orders of this company only
    :param since: the orders from this datetime on
    :param commercial: report the commercial partner (a join on
        ``res_partner``) rather than the order's partner
    :return: an ``SQL`` that carries the order fields it reads, so that
        ``env.execute_query`` flushes them first
    """
    return SQL(" UNION ALL ").join(
        _branch(env, model, partner_ids, company_id, since, commercial)
        for model in ("pos.order", "sale.order")
    )


def _branch(env, model, partner_ids, company_id, since, commercial):
    Order = env[model]

    def column(fname):
        return SQL.identifier("o", fname, to_flush=Order._fields[fname])

    if model == "pos.order":
        paid = SQL("%s IN %s", column("state"), PAID)
        channel = SQL("%s::text", column("config_id"))
    else:
        paid = SQL("%s = %s", column("state"), SALE_CONFIRMED)
        channel = SQL("'online'::text")
    conditions = [paid, SQL("%s IS NOT NULL", column("partner_id"))]
    if partner_ids is not None:
        if isinstance(partner_ids, SQL):
            # the sorted id array walks the partner index in order
            conditions.append(SQL("%s = ANY(ARRAY(%s))", column("partner_id"), partner_ids))
        else:
            conditions.append(SQL("%s = ANY(%s)", column("partner_id"), list(partner_ids)))
    if company_id:
        conditions.append(SQL("%s = %s", column("company_id"), company_id))
    if since:
        conditions.append(SQL("%s >= %s", column("date_order"), since))
    if commercial:
        partner = SQL.identifier(
            "rp",
            "commercial_partner_id",
            to_flush=env["res.partner"]._fields["commercial_partner_id"],
        )
        join = SQL("JOIN res_partner rp ON rp.id = %s", column("partner_id"))
    else:
        partner = column("partner_id")
        join = SQL()
    return SQL(
        """
        SELECT %(partner)s AS partner_id, %(company)s AS company_id, o.id AS order_id,
               %(model)s::text AS model, %(date)s AS date_order, %(amount)s AS amount,
               %(channel)s AS channel
          FROM %(table)s o %(join)s
         WHERE %(where)s
        """,
        partner=partner,
        company=column("company_id"),
        model=model,
        date=column("date_order"),
        amount=column("amount_total"),
        channel=channel,
        table=SQL.identifier(Order._table),
        join=join,
        where=SQL(" AND ").join(conditions),
    )
