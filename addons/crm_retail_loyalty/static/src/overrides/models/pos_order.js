/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";
import { roundPrecision } from "@web/core/utils/numbers";

patch(PosOrder.prototype, {
    /** The member's card on the company's member programme, when cached. */
    getMemberCard() {
        const partner = this.get_partner();
        if (!partner || !partner.is_member) {
            return null;
        }
        return (
            this.models["loyalty.card"].find(
                (card) =>
                    card.partner_id?.id === partner.id &&
                    card.program_id?.uses_point_lots &&
                    card.id > 0
            ) || null
        );
    },
    /** The member's tier multiplier, on member programmes only (as on the server). */
    _memberMultiplier(program) {
        const partner = this.get_partner();
        if (!program?.uses_point_lots || !partner?.is_member) {
            return 1;
        }
        return partner.member_tier_multiplier || 1;
    },
    /** The member's tier multiplies the points of member programmes, as on the server. */
    pointsForPrograms(programs) {
        const result = super.pointsForPrograms(...arguments);
        for (const program of programs) {
            const multiplier = this._memberMultiplier(program);
            if (multiplier !== 1 && result[program.id]) {
                for (const entry of result[program.id]) {
                    entry.points = roundPrecision(entry.points * multiplier, 0.01);
                }
            }
        }
        return result;
    },
    /** The free products a member programme takes back out, multiplied alike. */
    _getPointsCorrection(program) {
        const correction = super._getPointsCorrection(...arguments);
        const multiplier = this._memberMultiplier(program);
        return multiplier === 1 ? correction : roundPrecision(correction * multiplier, 0.01);
    },
    /** Balance and the points expiring soon, for the order screen and the receipt. */
    getMemberInfo() {
        const partner = this.get_partner();
        if (!partner || !partner.is_member) {
            return null;
        }
        const card = this.getMemberCard();
        return {
            name: partner.name,
            tier: partner.member_tier_name || false,
            tags: partner.member_tag_names || false,
            balance: card ? card.points : partner.member_points,
            expiring: card ? card.points_expiring : partner.member_points_expiring,
            nextExpiry: (card ? card.next_expiry_date : partner.member_next_expiry_date) || false,
        };
    },
    /**
     * Partial redemption: the cashier chooses how many points to spend on a
     * per-point discount; the discount is capped at that many points.
     */
    _getRewardLineValuesDiscount(args) {
        const reward = args.reward;
        if (
            args.cost &&
            reward.discount_mode === "per_point" &&
            reward.program_id.uses_point_lots
        ) {
            const previous = reward.discount_max_amount;
            reward.discount_max_amount = args.cost * reward.discount;
            try {
                return super._getRewardLineValuesDiscount(...arguments);
            } finally {
                reward.discount_max_amount = previous;
            }
        }
        return super._getRewardLineValuesDiscount(...arguments);
    },
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        result.crmMember = this.getMemberInfo();
        return result;
    },
});
