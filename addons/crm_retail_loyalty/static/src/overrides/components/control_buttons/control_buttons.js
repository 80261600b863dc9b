/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { patch } from "@web/core/utils/patch";

patch(ControlButtons.prototype, {
    /**
     * A per-point discount of the member programme asks how many points to
     * spend (PosStore.crmSpendPoints); every other reward is Odoo's.
     */
    async _applyReward(reward, coupon_id, potentialQty) {
        if (reward.discount_mode !== "per_point" || !reward.program_id.uses_point_lots) {
            return super._applyReward(...arguments);
        }
        return await this.pos.crmSpendPoints(reward, coupon_id);
    },
});
