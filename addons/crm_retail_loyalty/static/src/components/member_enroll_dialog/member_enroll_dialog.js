/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { localDigits } from "@crm_retail_loyalty/overrides/models/res_partner";

/**
 * Enrolment at the till, phone number first: a customer who already has the
 * number is offered instead of a duplicate; otherwise name, birthday and the
 * consent per channel, then the server enrols (and normalises the number).
 */
export class MemberEnrollDialog extends Component {
    static template = "crm_retail_loyalty.MemberEnrollDialog";
    static components = { Dialog };
    static props = { getPayload: Function, close: Function };

    setup() {
        this.pos = usePos();
        this.state = useState({
            step: "phone",
            mobile: "",
            name: "",
            birthday: "",
            email: "",
            consent_sms: false,
            consent_email: false,
            consent_line: false,
            existing: null,
            error: "",
        });
    }
    /** What is wrong with the number as typed so far (checked at each key). */
    get mobileProblem() {
        const text = this.state.mobile.trim();
        if (!text) {
            return "";
        }
        if (/[^\d\s+\-().]/.test(text)) {
            return _t("Digits only: letters are not part of a phone number.");
        }
        if (text.startsWith("+")) {
            return "";
        }
        const digits = localDigits(text);
        if (digits.startsWith("0") && digits.length > 1 && !digits.startsWith("09")) {
            return _t("This looks like a landline: a member needs a mobile number (09xx xxx xxx).");
        }
        if (!digits.startsWith("0") && digits.length > 1) {
            return _t("A mobile number starts with 09 (or +country code for a foreign mobile).");
        }
        if (digits.length > 10) {
            return _t("Too many digits for a mobile number (09xx xxx xxx).");
        }
        return "";
    }
    /** A whole mobile number: 09xx xxx xxx, or a foreign one in international form. */
    get mobileComplete() {
        const text = this.state.mobile.trim();
        const digits = localDigits(text);
        return text.startsWith("+") ? digits.length >= 8 : /^09\d{8}$/.test(digits);
    }
    async lookup() {
        this.state.error = "";
        if (!this.state.mobile.trim()) {
            this.state.error = _t("Enter the customer's mobile number.");
            return;
        }
        if (this.mobileProblem || !this.mobileComplete) {
            this.state.error =
                this.mobileProblem || _t("Enter the whole mobile number (09xx xxx xxx).");
            return;
        }
        let existing;
        try {
            existing = await this.pos.data.call("res.partner", "pos_member_lookup", [
                this.state.mobile,
            ]);
        } catch (error) {
            this.state.error = error.data?.message || error.message || String(error);
            return;
        }
        this.state.existing = existing || null;
        this.state.step = existing ? "existing" : "details";
    }
    async enroll() {
        this.state.error = "";
        const vals = {
            mobile: this.state.mobile,
            name: this.state.existing ? this.state.existing.name : this.state.name,
            birthday: this.state.birthday || false,
            email: this.state.email || false,
            consent_sms: this.state.consent_sms,
            consent_email: this.state.consent_email,
            consent_line: this.state.consent_line,
        };
        try {
            const data = await this.pos.data.call("res.partner", "pos_member_enroll", [
                vals,
                this.pos.config.id,
            ]);
            const [partner] = await this.pos.data.read("res.partner", [data.id]);
            this.props.getPayload(partner);
            this.props.close();
        } catch (error) {
            this.state.error = error.data?.message || error.message || String(error);
        }
    }
    useExisting() {
        if (this.state.existing.is_member) {
            this.pos.data.read("res.partner", [this.state.existing.id]).then(([partner]) => {
                this.props.getPayload(partner);
                this.props.close();
            });
        } else {
            this.state.step = "details";
        }
    }
}
