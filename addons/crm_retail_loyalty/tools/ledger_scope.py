# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the server's own code is doing to the points ledger right now.

A context key is not a permission: any JSON-RPC caller can send one. The
ledger's own code marks what it does in a context variable instead, which
lives in the server process only (per thread and request) and which no
request can set:

- ``internal``: the ledger writes its own rows and the card's balance;
- ``external_points``: a set of card ids whose balance Odoo's POS or sales
  code is about to move while the same request posts those points through
  the ledger (the ledger's figure stands, Odoo's write of ``points`` is
  ignored for these cards);
- ``keep_rows``: Odoo deletes a cancelled order's history rows; the ledger
  keeps its own (it has written the reversal).
"""

import contextvars
import functools
from contextlib import contextmanager

_STATE = contextvars.ContextVar("crm_retail_ledger_state", default=None)


@contextmanager
def ledger_scope(**flags):
    token = _STATE.set(dict(_STATE.get() or {}, **flags))
    try:
        yield
    finally:
        _STATE.reset(token)


def ledger_flag(name):
    return (_STATE.get() or {}).get(name)


def ledger_internal(method):
    """Run a private ledger method with the ledger's own rights on its rows."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with ledger_scope(internal=True):
            return method(*args, **kwargs)

    return wrapper
