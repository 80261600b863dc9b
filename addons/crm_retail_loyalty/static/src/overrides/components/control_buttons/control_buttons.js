/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { ControlButtons } from "@point_of_sale/app/screens/product_screen/control_buttons/control_buttons";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(ControlButtons.prototype, {
    /**
     * Ask how many points to spend on a per-point discount of the member
     * programme: only points already on the card (not those this order is
     * about to earn) can be spent. Every other reward is Odoo's.
     */
    async _applyReward(reward, coupon_id, potentialQty) {
        if (reward.discount_mode !== "per_point" || !reward.program_id.uses_point_lots) {
            return super._applyReward(...arguments);
        }
        const order = this.pos.get_order();
        const card = this.pos.models["loyalty.card"].get(coupon_id);
        let available = card ? card.points : 0;
        for (const line of order.get_orderlines()) {
            if (line.is_reward_line && line.coupon_id?.id === coupon_id) {
                available -= line.points_cost;
            }
        }
        const maxPoints = Math.floor(
            Math.min(available, order.get_total_with_tax() / (reward.discount || 1))
        );
        if (maxPoints < 1) {
            this.notification.add(_t("There are not enough points to spend on this order."));
            return false;
        }
        const value = await makeAwaitable(this.dialog, NumberPopup, {
            title: _t("Points to spend"),
            subtitle: _t("Up to %s points", maxPoints),
            startingValue: maxPoints,
        });
        if (value === undefined || value === null || value === "") {
            return false;
        }
        const points = Math.floor(Number(value));
        if (!(points >= 1) || points > maxPoints) {
            this.notification.add(_t("Spend between 1 and %s points.", maxPoints));
            return false;
        }
        order.uiState.disabledRewards.delete(reward.id);
        const result = order._applyReward(reward, coupon_id, { cost: points });
        if (result !== true) {
            this.notification.add(result);
        }
        this.pos.updateRewards();
        return result;
    },
});
