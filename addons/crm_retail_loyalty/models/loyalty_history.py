# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

# fields the ledger itself maintains on a lot after it was written
LOT_STATE_FIELDS = {"points_remaining", "expiration_date"}


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
        skip = set(self.env.context.get("crm_ledger_skip_cards") or [])
        if skip:
            # a sales order's rows for cards the ledger already posted
            vals_list = [
                vals
                for vals in vals_list
                if vals.get("ledger_kind") or vals.get("card_id") not in skip
            ]
        if not self.env.su and not self.env.user.has_group(
            "crm_retail_loyalty.crm_retail_loyalty_group_manager"
        ):
            card_ids = {vals.get("card_id") for vals in vals_list if not vals.get("ledger_kind")}
            cards = self.env["loyalty.card"].sudo().browse(card_ids - {None, False}).exists()
            if any(card._uses_point_lots() for card in cards):
                raise AccessError(
                    self.env._("Only a loyalty manager can add rows to a member's points history.")
                )
        return super().create(vals_list)

    def unlink(self):
        if self.env.context.get("crm_ledger_keep_rows"):
            # Odoo deletes a cancelled order's rows; the ledger keeps its own
            # and has already written the reversal
            self = self.filtered(lambda row: not row.ledger_kind)
        return super().unlink()

    def write(self, vals):
        if not self.env.context.get("crm_ledger_internal") and any(self.mapped("ledger_kind")):
            raise UserError(
                self.env._(
                    "The points history is a ledger: its rows cannot be changed. "
                    "Record a correction with Update Balance instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_ledger_rows(self):
        if self.env.context.get("crm_ledger_internal"):
            return
        if any(self.mapped("ledger_kind")):
            raise UserError(
                self.env._(
                    "The points history is a ledger: its rows cannot be deleted. "
                    "Record a correction with Update Balance instead."
                )
            )
