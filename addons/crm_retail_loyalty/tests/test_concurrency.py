# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Two terminals, two real database connections, one card."""

import threading
import time

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.tests import BaseCase, tagged
from odoo.tools import mute_logger


def retrying(func, env, tries=5):
    """What Odoo does for an RPC request: on a serialization failure, roll
    back and run it again on a fresh snapshot."""
    for attempt in range(tries):
        try:
            result = func()
            env.flush_all()
            return result
        except SerializationFailure:
            if attempt == tries - 1:
                raise
            env.cr.rollback()
            env.invalidate_all()
            time.sleep(0.05)


@tagged("post_install", "-at_install")
class TestTwoTerminals(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from odoo.modules.registry import Registry
        from odoo.tests.common import get_db_name

        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "併發測試", "mobile": "+886 988 765 432"})
            partner.action_member_enroll()
            self.card_id = partner.member_card_id.id
            self.partner_id = partner.id
            partner.member_card_id._ledger_earn(100, "test lot")
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM crm_retail_point_hold WHERE card_id = %s", (self.card_id,))
            cr.execute("DELETE FROM loyalty_history WHERE card_id = %s", (self.card_id,))
            cr.execute("DELETE FROM loyalty_card WHERE id = %s", (self.card_id,))
            cr.execute("DELETE FROM res_partner WHERE id = %s", (self.partner_id,))

    def _terminal_env(self):
        # Environments are made here, in the test's thread: making one takes
        # the registry lock, which the test runner holds while tests run
        cr = self.registry.cursor()
        self.addCleanup(cr.close)
        return api.Environment(cr, SUPERUSER_ID, {})

    def test_second_terminal_gets_not_enough_points(self):
        results = {}
        first_validated = threading.Event()
        envs = {"A": self._terminal_env(), "B": self._terminal_env()}

        def terminal(name, wait_for=None, hold_lock_for=0.0):
            env = envs[name]
            if wait_for:
                wait_for.wait(10)
            # as an RPC request: Odoo retries it on a serialization failure
            results[name] = retrying(
                lambda: env["pos.order"].validate_coupon_programs({str(self.card_id): -80}, []),
                env,
            )
            if name == "A":
                first_validated.set()
                time.sleep(hold_lock_for)  # B is blocked on the card meanwhile
            env.cr.commit()

        # the serialization failure Odoo retries is logged by the SQL layer
        with mute_logger("odoo.sql_db"):
            b = threading.Thread(target=terminal, args=("B", first_validated))
            b.start()
            terminal("A", hold_lock_for=0.5)
            b.join(20)
        self.assertTrue(results["A"]["successful"])
        self.assertFalse(results["B"]["successful"])
        self.assertIn("not enough points", results["B"]["payload"]["message"])

    def test_concurrent_spends_never_go_below_zero(self):
        envs = [self._terminal_env(), self._terminal_env()]

        def spend(env):
            card = env["loyalty.card"].browse(self.card_id)
            retrying(lambda: card._ledger_spend(80, "concurrent spend"), env)
            env.cr.commit()

        threads = [threading.Thread(target=spend, args=(env,)) for env in envs]
        with mute_logger("odoo.sql_db"):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(20)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            card = env["loyalty.card"].browse(self.card_id)
            self.assertEqual(card.points, 0.0)
            spends = env["loyalty.history"].search(
                [("card_id", "=", card.id), ("ledger_kind", "=", "spend")]
            )
            self.assertEqual(sorted(spends.mapped("used")), [20.0, 80.0])
            self.assertFalse(env["loyalty.card"]._ledger_check_invariant(card.ids))
