# Copyright 2026 Retail CRM for Odoo
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    """Merging customers moves their open lots with their own expiry dates.

    Odoo sums the merged cards' points onto one card; for cards with lots the
    lots themselves move (a transfer row out of each merged card, one in on the
    kept card, same expiry), so no point lives longer or shorter than earned.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        """The kept customer's purchase profile covers the merged orders at
        once (Odoo drops the merged customers' own profiles: one per
        customer) rather than at the next nightly rebuild."""
        result = super()._merge(partner_ids, dst_partner, extra_checks)
        kept = self.env["res.partner"].browse(partner_ids).exists().commercial_partner_id
        self.env["crm.retail.customer.profile"].sudo()._rebuild_partners(kept)
        return result

    def _merge_loyalty_cards(self, src_partners, dst_partner):
        Card = self.env["loyalty.card"].sudo()
        cards = Card.search(
            [("partner_id", "in", src_partners.ids), ("program_id.program_type", "=", "loyalty")],
            order="id",
        )
        for program in cards.program_id:
            program_cards = cards.filtered(lambda c, p=program: c.program_id == p)
            kept = (
                Card.search(
                    [("partner_id", "=", dst_partner.id), ("program_id", "=", program.id)],
                    limit=1,
                )
                or program_cards[:1]
            )
            for card in program_cards - kept:
                card._ledger_transfer_to(kept)
        return super()._merge_loyalty_cards(src_partners, dst_partner)
