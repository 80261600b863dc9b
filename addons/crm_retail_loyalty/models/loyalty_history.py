# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.ledger_scope import ledger_flag

# fields only the ledger's own code writes
LEDGER_FIELDS = (
    "ledger_kind",
    "is_lot",
    "points_remaining",
    "expiration_date",
    "ledger_key",
    "usage_ids",
    "reversed_history_ids",
)


class LoyaltyHistory(models.Model):
    """Odoo's loyalty history, used as an append-only points ledger.

    A row that issues points on a programme with lots is a *lot*: it carries
    its expiry date and the points still unspent. Spending, expiring and
    refunds are further rows; ``crm.retail.lot.usage`` records which lots each
    of them consumed or restored.
    """

    _inherit = "loyalty.history"

    ledger_kind = fields.Selection(
        [
            ("earn", "Earned"),
            ("spend", "Spent"),
            ("expire", "Expired"),
            ("claw_back", "Taken back by a refund"),
            ("give_back", "Given back by a refund"),
            ("adjust", "Manual adjustment"),
            ("transfer", "Transfer"),
            ("opening", "Opening balance"),
        ],
        readonly=True,
        index=True,
    )
    is_lot = fields.Boolean(readonly=True)
    expiration_date = fields.Date(readonly=True)
    points_remaining = fields.Float(readonly=True)
    ledger_key = fields.Char(readonly=True, copy=False)
    usage_ids = fields.One2many(
        "crm.retail.lot.usage", "history_id", string="Lots Consumed", readonly=True
    )
    consumed_by_ids = fields.One2many("crm.retail.lot.usage", "lot_id", readonly=True)
    reversed_history_ids = fields.Many2many(
        "loyalty.history",
        "loyalty_history_reversal_rel",
        "reversal_id",
        "reversed_id",
        string="Reverses",
        readonly=True,
        help="The spending rows a refund gave points back for.",
    )
    reversed_by_ids = fields.Many2many(
        "loyalty.history",
        "loyalty_history_reversal_rel",
        "reversed_id",
        "reversal_id",
        readonly=True,
    )
    partner_id = fields.Many2one(related="card_id.partner_id")
    program_id = fields.Many2one(related="card_id.program_id")

    def init(self):
        res = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE UNIQUE INDEX IF NOT EXISTS loyalty_history_ledger_key_uniq
                    ON loyalty_history (ledger_key) WHERE ledger_key IS NOT NULL;
                CREATE INDEX IF NOT EXISTS loyalty_history_open_lots_idx
                    ON loyalty_history (card_id, expiration_date, id)
                    WHERE is_lot AND points_remaining > 0;
                CREATE INDEX IF NOT EXISTS loyalty_history_order_idx
                    ON loyalty_history (order_id, order_model) WHERE order_id IS NOT NULL;
                CREATE INDEX IF NOT EXISTS loyalty_history_due_lots_idx
                    ON loyalty_history (expiration_date, card_id)
                    WHERE is_lot AND points_remaining > 0;
                """
            )
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        """Rows of member cards are written by the ledger's own code only.

        Odoo's POS and sales code writes one history row per card and order;
        for member cards the ledger wrote its rows already, so Odoo's are left
        out. Anyone else (an RPC call, an import) is refused, whatever the
        values or the context say: a manager corrects points with Update
        Balance, which posts a new row with a reason.
        """
        if ledger_flag("internal"):
            return super().create(vals_list)
        card_ids = {vals.get("card_id") for vals in vals_list} - {None, False}
        cards = self.env["loyalty.card"].sudo().browse(card_ids).exists()
        ledger_ids = {card.id for card in cards if card._uses_point_lots()}
        ledger_vals = [vals for vals in vals_list if vals.get("card_id") in ledger_ids]
        if (
            ledger_vals
            and ledger_flag("external_points") is not None
            and all(
                vals["card_id"] in ledger_flag("external_points")
                and not any(vals.get(f) for f in LEDGER_FIELDS)
                for vals in ledger_vals
            )
        ):
            # Odoo's own row for an order the ledger has posted
            vals_list = [vals for vals in vals_list if vals.get("card_id") not in ledger_ids]
            ledger_vals = []
        if ledger_vals or any(vals.get(f) for vals in vals_list for f in LEDGER_FIELDS):
            self._ledger_refuse()
        return super().create(vals_list)

    def write(self, vals):
        if not ledger_flag("internal") and self._ledger_rows():
            self._ledger_refuse()
        return super().write(vals)

    def unlink(self):
        if ledger_flag("keep_rows"):
            # Odoo deletes a cancelled order's rows; the ledger keeps its own
            # and has already written the reversal
            self = self - self._ledger_rows()
        return super().unlink()

    def _ledger_rows(self):
        """The rows of member cards and the rows the ledger wrote."""
        rows = self.sudo()
        return self.browse(
            row.id for row in rows if row.ledger_kind or row.card_id._uses_point_lots()
        )

    @api.model
    def _ledger_refuse(self):
        self.env["loyalty.card"]._ledger_check_manager()
        raise UserError(
            self.env._(
                "The points history is a ledger: its rows cannot be written, changed or "
                "deleted. Record a correction with Update Balance on the card instead."
            )
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger_rows(self):
        if self._ledger_rows():
            self._ledger_refuse()
