/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { browser } from "@web/core/browser/browser";
import { CRM_PARTNER_KEY } from "@crm_retail_loyalty/overrides/models/pos_order";

patch(PosStore.prototype, {
    /**
     * After a reload the open orders come back from the browser's storage,
     * but their customer and the member card their points discount uses are
     * not among what the terminal loads at start-up (customers are loaded
     * limited, member cards one by one): fetch them and put them back.
     */
    async afterProcessServerData() {
        try {
            await this.crmRestoreOpenOrders();
        } catch (error) {
            // offline: the orders keep what the browser had
            console.warn("Could not restore the members of open orders", error);
        }
        return await super.afterProcessServerData(...arguments);
    },
    async crmRestoreOpenOrders() {
        const orders = this.models["pos.order"].filter((order) => !order.finalized);
        const remembered = {};
        for (const order of orders) {
            remembered[order.uuid] = parseInt(
                browser.localStorage.getItem(CRM_PARTNER_KEY + order.uuid) || order.raw?.partner_id
            );
        }
        // forget the customers of orders that are no longer open
        for (let index = browser.localStorage.length - 1; index >= 0; index--) {
            const key = browser.localStorage.key(index);
            if (
                key?.startsWith(CRM_PARTNER_KEY) &&
                !(key.slice(CRM_PARTNER_KEY.length) in remembered)
            ) {
                browser.localStorage.removeItem(key);
            }
        }
        const partnerIds = new Set();
        const cardIds = new Set();
        for (const order of orders) {
            const partnerId = remembered[order.uuid];
            if (typeof partnerId === "number" && !this.models["res.partner"].get(partnerId)) {
                partnerIds.add(partnerId);
            }
            for (const line of order.lines) {
                const cardId = line.raw?.coupon_id;
                if (typeof cardId === "number" && cardId > 0) {
                    if (!this.models["loyalty.card"].get(cardId)) {
                        cardIds.add(cardId);
                    }
                }
            }
        }
        if (partnerIds.size) {
            await this.data.read("res.partner", [...partnerIds]);
        }
        if (cardIds.size) {
            await this.data.read("loyalty.card", [...cardIds]);
        }
        for (const order of orders) {
            // a reward line the terminal replaced just before the reload can
            // come back beside its replacement: keep one of identical twins
            const seen = new Set();
            const rewardLines = order.lines
                .filter(
                    (line) => line.is_reward_line && line.reward_id?.program_id?.uses_point_lots
                )
                .reverse();
            for (const line of rewardLines) {
                const key = [
                    line.reward_id.id,
                    line.raw?.coupon_id,
                    line.points_cost,
                    line.price_unit,
                ].join("|");
                if (seen.has(key)) {
                    line.delete();
                } else {
                    seen.add(key);
                }
            }
            const partner =
                remembered[order.uuid] && this.models["res.partner"].get(remembered[order.uuid]);
            if (partner && order.partner_id?.id !== partner.id) {
                order.update({ partner_id: partner });
            }
            for (const line of order.lines) {
                const card = this.models["loyalty.card"].get(line.raw?.coupon_id);
                if (card && line.coupon_id?.id !== card.id) {
                    line.update({ coupon_id: card });
                }
            }
        }
    },
    /** The member programme's per-point discount the current member can spend now. */
    crmSpendableReward() {
        const order = this.get_order();
        const card = order?.getMemberCard();
        if (!card || !(card.points >= 1)) {
            return null;
        }
        const reward = card.program_id.reward_ids.find(
            (r) => r.reward_type === "discount" && r.discount_mode === "per_point"
        );
        return reward ? { reward, card } : null;
    },
    /** The order screen's "Use points" button: the same dialog as the Reward button. */
    async crmSpendMemberPoints() {
        const spendable = this.crmSpendableReward();
        if (spendable) {
            return await this.crmSpendPoints(spendable.reward, spendable.card.id);
        }
        return false;
    },
    /**
     * Partial redemption on a per-point discount of the member programme: the
     * cashier chooses how many points to spend, from the points already on the
     * card (not those this order is about to earn), capped by the order's total.
     */
    async crmSpendPoints(reward, couponId) {
        const order = this.get_order();
        const card = this.models["loyalty.card"].get(couponId);
        let available = card ? card.points : 0;
        for (const line of order.get_orderlines()) {
            if (line.is_reward_line && line.coupon_id?.id === couponId) {
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
        const result = order._applyReward(reward, couponId, { cost: points });
        if (result !== true) {
            this.notification.add(result);
        }
        this.updateRewards();
        return result;
    },
});
