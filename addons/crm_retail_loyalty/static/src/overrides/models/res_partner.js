/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { ResPartner } from "@point_of_sale/app/models/res_partner";
import { patch } from "@web/core/utils/patch";

/**
 * A phone number as digits in the local form a Taiwanese customer says it:
 * "0920-566-570", "0920 566 570" and "+886 920 566 570" all give "0920566570".
 * Other countries' numbers keep their digits.
 */
export function localDigits(text) {
    const raw = (text || "").trim();
    let digits = raw.replace(/\D/g, "");
    if (raw.startsWith("+886") || raw.startsWith("00886")) {
        digits = "0" + digits.replace(/^0*886/, "");
    }
    return digits;
}

patch(ResPartner.prototype, {
    /** The local form of the numbers and the member card's code are searchable too. */
    get searchString() {
        const extra = [this.mobile, this.phone]
            .filter(Boolean)
            .map((number) => localDigits(number));
        if (this.member_card_code) {
            extra.push(this.member_card_code.toLowerCase());
        }
        return [super.searchString, ...extra].join(" ");
    },
    /** A whole number in any form, or the member card's code, picks the member at once. */
    exactMatch(searchWord) {
        if (super.exactMatch(...arguments)) {
            return true;
        }
        const word = (searchWord || "").trim().toLowerCase();
        if (this.member_card_code && this.member_card_code.toLowerCase() === word) {
            return true;
        }
        if (/[a-z]/.test(word)) {
            return false;
        }
        const digits = localDigits(word);
        return (
            digits.length >= 8 &&
            [this.mobile, this.phone].some((number) => number && localDigits(number) === digits)
        );
    },
});
