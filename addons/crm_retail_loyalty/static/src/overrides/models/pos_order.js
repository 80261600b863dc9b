/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";
import { roundPrecision } from "@web/core/utils/numbers";
import { _t } from "@web/core/l10n/translation";
import { browser } from "@web/core/browser/browser";

/** Where the terminal remembers an open order's customer (per order uuid). */
export const CRM_PARTNER_KEY = "crm_retail_order_partner_";

patch(PosOrder.prototype, {
    /** Remember the order's customer in the browser: a reload restores it. */
    set_partner(partner) {
        const result = super.set_partner(...arguments);
        try {
            browser.localStorage.setItem(CRM_PARTNER_KEY + this.uuid, String(partner?.id || ""));
        } catch {
            // private mode or full storage: the order just keeps what Odoo keeps
        }
        return result;
    },
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
    /**
     * A member programme's points: its rounding, then the member's tier
     * multiplier (rounded down to whole points when the programme rounds),
     * as the server's loyalty.program._member_round_points.
     */
    _memberRoundPoints(program, points) {
        const multiplier = this._memberMultiplier(program);
        const epsilon = 1e-6;
        if (program.points_rounding === "down") {
            points = Math.floor(points + epsilon);
        } else if (program.points_rounding === "unit") {
            const rate =
                program.rule_ids.find((rule) => rule.reward_point_mode === "money")
                    ?.reward_point_amount || 0;
            const step = (program.points_rounding_unit || 0) * rate || 1;
            points = Math.floor(points / step + epsilon) * step;
        }
        points *= multiplier;
        if (program.points_rounding && program.points_rounding !== "none") {
            points = Math.floor(points + epsilon);
        }
        return roundPrecision(points, 0.01);
    },
    /** Member programmes: rounding and the tier multiplier, as on the server. */
    pointsForPrograms(programs) {
        const result = super.pointsForPrograms(...arguments);
        for (const program of programs) {
            if (program.uses_point_lots && result[program.id]) {
                for (const entry of result[program.id]) {
                    entry.points = this._memberRoundPoints(program, entry.points);
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
        const source = card
            ? {
                  expiring: card.points_expiring,
                  nextExpiry: card.next_expiry_date,
                  nextPoints: card.next_expiry_points,
                  days: card.points_expiry_notice_days,
              }
            : {
                  expiring: partner.member_points_expiring,
                  nextExpiry: partner.member_next_expiry_date,
                  nextPoints: partner.member_next_expiry_points,
                  days: partner.member_expiry_notice_days,
              };
        const nextExpiry = source.nextExpiry?.toISODate
            ? source.nextExpiry.toISODate()
            : source.nextExpiry || false;
        const info = {
            name: partner.name,
            tier: partner.member_tier_name || false,
            tags: partner.member_tag_names || false,
            balance: card ? card.points : partner.member_points,
            expiring: source.expiring || 0,
            nextExpiry,
            nextPoints: source.nextPoints || 0,
            noticeDays: source.days || 0,
            nextExpiryText: false,
            windowText: false,
        };
        if (nextExpiry && info.nextPoints) {
            // the next expiry, then the total within the notice window, both true
            info.nextExpiryText = _t("%(points)s points expire on %(date)s", {
                points: info.nextPoints,
                date: nextExpiry,
            });
            if (info.expiring > info.nextPoints) {
                info.windowText = _t("%(points)s points expire within %(days)s days", {
                    points: info.expiring,
                    days: info.noticeDays,
                });
            }
        }
        return info;
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
