/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { ProductScreen } from "@point_of_sale/app/screens/product_screen/product_screen";
import { patch } from "@web/core/utils/patch";

patch(ProductScreen.prototype, {
    /** A scanned member card puts its member on the order. */
    async _onCouponScan(code) {
        const members = await this.pos.data.searchRead(
            "res.partner",
            [["member_card_id.code", "=", code.code]],
            [],
            { limit: 1 }
        );
        if (members.length) {
            if (this.currentOrder.get_partner() !== members[0]) {
                this.currentOrder.set_partner(members[0]);
                // as when the cashier picks the member: their card and rewards
                await this.pos.updateRewards();
            }
            return;
        }
        return super._onCouponScan(...arguments);
    },
});
