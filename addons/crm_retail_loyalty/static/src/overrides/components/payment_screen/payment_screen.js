/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { patch } from "@web/core/utils/patch";

patch(PaymentScreen.prototype, {
    /** After the server posted the points, refresh the member's card and
     * partner so the receipt shows the new balance and next expiry. */
    async _postPushOrderResolve(order, order_server_ids) {
        const result = await super._postPushOrderResolve(...arguments);
        const partner = order.get_partner();
        if (partner && partner.is_member) {
            try {
                await this.pos.data.read("res.partner", [partner.id]);
                const card = order.getMemberCard();
                if (card) {
                    await this.pos.data.read("loyalty.card", [card.id]);
                }
            } catch {
                // offline: the receipt keeps the figures the terminal had
            }
        }
        return result;
    },
});
