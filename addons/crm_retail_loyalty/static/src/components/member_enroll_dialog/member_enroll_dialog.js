/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { usePos } from "@point_of_sale/app/store/pos_hook";

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
    async lookup() {
        this.state.error = "";
        if (!this.state.mobile.trim()) {
            this.state.error = _t("Enter the customer's mobile number.");
            return;
        }
        const existing = await this.pos.data.call("res.partner", "pos_member_lookup", [
            this.state.mobile,
        ]);
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
