# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import RetailLoyaltyCase


@tagged("post_install", "-at_install")
class TestOnlineOrders(RetailLoyaltyCase):
    def _order(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.member.id,
                "company_id": self.company.id,
                "order_line": [(0, 0, {"product_id": self.beans.id, "product_uom_qty": 2})],
            }
        )
        order._update_programs_and_rewards()
        return order

    def test_online_order_earns_a_lot_and_cancel_reverses_it(self):
        order = self._order()
        order.action_confirm()
        lot = self.rows(kind="earn")
        self.assertEqual(len(lot), 1)
        self.assertAlmostEqual(lot.issued, 90.0, msg="10 points per 100 TWD, online too")
        self.assertEqual(lot.order_model, "sale.order")
        self.assertEqual(lot.expiration_date, fields.Date.context_today(lot) + timedelta(days=90))
        self.assertAlmostEqual(self.card.points, 90.0)
        self.assertEqual(len(self.rows()), 1, "no second, unattributed row from Odoo")
        order._action_cancel()
        self.assertAlmostEqual(self.card.points, 0.0)
        self.assertEqual(lot.exists(), lot, "the lot is kept: the ledger is append-only")
        self.assertAlmostEqual(self.rows(kind="claw_back").used, 90.0)
        self.assertLedgerConsistent(self.card)
