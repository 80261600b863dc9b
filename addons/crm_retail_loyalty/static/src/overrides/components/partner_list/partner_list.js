/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { PartnerList } from "@point_of_sale/app/screens/partner_list/partner_list";
import { patch } from "@web/core/utils/patch";
import { useEffect } from "@odoo/owl";
import { MemberEnrollDialog } from "@crm_retail_loyalty/components/member_enroll_dialog/member_enroll_dialog";
import { localDigits } from "@crm_retail_loyalty/overrides/models/res_partner";

// a mobile number in any format, a card barcode, or a card code as Odoo makes them
const MEMBER_KEY = /^(\+?[\d\s\-().]{6,}|044[0-9a-f]-[0-9a-f]{4}-[0-9a-f]{4})$/i;

// a whole Taiwanese mobile (09xx xxx xxx in any form) or a card code
const WHOLE_KEY = /^(09\d{8}|044[0-9a-f]-[0-9a-f]{4}-[0-9a-f]{4})$/i;

patch(PartnerList.prototype, {
    setup() {
        super.setup(...arguments);
        // a whole number or card code the terminal does not hold yet is asked
        // of the server at once (members are not all loaded at start-up)
        useEffect(
            (query) => {
                const word = (query || "").trim();
                const key = /[a-f]/i.test(word) ? word.toLowerCase() : localDigits(word);
                if (!WHOLE_KEY.test(key) || this.getPartners().length) {
                    return;
                }
                const timer = setTimeout(() => this.searchPartner(), 250);
                return () => clearTimeout(timer);
            },
            () => [this.state.query]
        );
    },
    /** Mobile numbers in any format and member card codes, searched on the server. */
    getPhoneSearchTerms() {
        return [...super.getPhoneSearchTerms(), "member_search"];
    },
    /**
     * A number or a card code is looked up on its own indexes: Odoo's search
     * over a dozen fields reads every customer (seconds at a million).
     */
    async getNewPartners() {
        const query = (this.state.query || "").trim();
        if (!MEMBER_KEY.test(query)) {
            return super.getNewPartners(...arguments);
        }
        return await this.pos.data.searchRead(
            "res.partner",
            [["member_search", "ilike", query]],
            [],
            { limit: 30, offset: this.state.currentOffset }
        );
    },
    enrollMember() {
        this.dialog.add(MemberEnrollDialog, {
            getPayload: (partner) => this.clickPartner(partner),
        });
    },
});
