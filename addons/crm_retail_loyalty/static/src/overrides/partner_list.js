/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { PartnerList } from "@point_of_sale/app/screens/partner_list/partner_list";
import { patch } from "@web/core/utils/patch";
import { MemberEnrollDialog } from "@crm_retail_loyalty/components/member_enroll_dialog/member_enroll_dialog";

patch(PartnerList.prototype, {
    /** Mobile numbers in any format and member card codes, searched on the server. */
    getPhoneSearchTerms() {
        return [...super.getPhoneSearchTerms(), "member_search"];
    },
    enrollMember() {
        this.dialog.add(MemberEnrollDialog, {
            getPayload: (partner) => this.clickPartner(partner),
        });
    },
});
