/** @odoo-module */
// Copyright 2026 Retail CRM for Odoo
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as NumberPopup from "@point_of_sale/../tests/tours/utils/number_popup_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { refresh, scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("CrmRetailMemberPayTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm(), // open the register, whatever the language
            ProductScreen.addOrderline("美式咖啡", "1"),
            ProductScreen.clickPartnerButton(),
            {
                content: "search the member by mobile number, typed as the customer says it",
                trigger: ".modal-dialog .input-group input",
                run: "edit 0912000333",
            },
            {
                content: "the number is not written like that locally: ask the server",
                trigger: ".modal .search-more-button button",
                run: "click",
            },
            {
                content: "the partner list shows the member and the balance",
                trigger:
                    ".modal .partner-list .partner-line:contains('林美玲') .o_crm_member_badge",
            },
            ProductScreen.clickCustomer("林美玲"),
            {
                content: "balance and points expiring soon with their date",
                trigger: ".o_crm_member_summary .o_crm_member_balance:contains('100')",
            },
            {
                trigger:
                    ".o_crm_member_summary .o_crm_member_expiring:contains('100'):contains('20')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt shows the new balance: 100 + 9 earned on 90 TWD",
                trigger: ".pos-receipt .o_crm_receipt_balance:contains('109')",
            },
            {
                content: "and the next expiry",
                trigger: ".pos-receipt .o_crm_receipt_expiry:contains('20')",
            },
            ReceiptScreen.clickNextOrder(),
            // the next customer shows the member card instead of saying a number
            ProductScreen.addOrderline("可頌", "1"),
            scan_barcode("0449876543210"),
            {
                content: "the scanned card puts its member on the order",
                trigger:
                    ".o_crm_member_summary:contains('林美玲') .o_crm_member_balance:contains('109')",
            },
            // partial redemption: the cashier spends 30 of the 109 points
            {
                content: "open the other actions (whatever the interface language)",
                trigger: ".control-buttons .more-btn",
                run: "click",
            },
            {
                content: "the reward button, lit: the member can spend points",
                trigger: "button.control-button.highlight:has(.fa-star)",
                run: "click",
            },
            {
                content: "the member programme's points discount",
                trigger: ".modal .selection-item",
                run: "click",
            },
            {
                content: "asked how many points to spend, up to the order total (65 TWD)",
                trigger: ".modal .subtitle:contains('65')",
            },
            NumberPopup.enterValue("30"),
            NumberPopup.isShown("30"),
            Dialog.confirm(),
            ProductScreen.totalAmountIs("35"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "109 - 30 spent + 6.5 earned on the 65 TWD croissant",
                trigger: ".pos-receipt .o_crm_receipt_balance:contains('85.5')",
            },
        ].flat(),
});

registry.category("web_tour.tours").add("CrmRetailEnrollTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm(), // open the register, whatever the language
            ProductScreen.addOrderline("可頌", "1"),
            ProductScreen.clickPartnerButton(),
            { trigger: ".modal .o_crm_enroll_member", run: "click" },
            // what a cashier might type by mistake is refused as it is typed
            { trigger: ".o_crm_enroll_mobile", run: "edit 0912-abc-678" },
            {
                content: "letters are not read as keypad digits",
                trigger: ".o_crm_enroll_mobile_problem",
            },
            { trigger: ".o_crm_enroll_lookup[disabled]" },
            { trigger: ".o_crm_enroll_mobile", run: "edit 02 2722 0000" },
            {
                content: "the store's landline is not a member's mobile",
                trigger: ".o_crm_enroll_mobile_problem",
            },
            { trigger: ".o_crm_enroll_lookup[disabled]" },
            { trigger: ".o_crm_enroll_mobile", run: "edit 12345" },
            { trigger: ".o_crm_enroll_mobile_problem" },
            { trigger: ".o_crm_enroll_lookup[disabled]" },
            {
                content: "the company's own contact has this mobile: it is never offered",
                trigger: ".o_crm_enroll_mobile",
                run: "edit 0911 222 333",
            },
            { trigger: ".o_crm_enroll_lookup:not([disabled])", run: "click" },
            { trigger: ".o_crm_enroll_name" },
            { trigger: ".modal:not(:has(.o_crm_enroll_existing)) .o_crm_enroll_name" },
            { trigger: ".o_crm_enroll_cancel", run: "click" },
            { trigger: ".modal .o_crm_enroll_member", run: "click" },
            { trigger: ".o_crm_enroll_mobile", run: "edit 0912000333" },
            { trigger: ".o_crm_enroll_lookup", run: "click" },
            {
                content: "an existing member with that number is offered, not a duplicate",
                trigger: ".o_crm_enroll_existing:contains('林美玲')",
            },
            { trigger: ".o_crm_enroll_cancel", run: "click" },
            { trigger: ".modal .o_crm_enroll_member", run: "click" },
            { trigger: ".o_crm_enroll_mobile", run: "edit 0966 123 456" },
            { trigger: ".o_crm_enroll_lookup", run: "click" },
            { trigger: ".o_crm_enroll_name", run: "edit 陳新會員" },
            {
                trigger: ".o_crm_enroll_birthday",
                run() {
                    // a date input: set it the way the browser's date picker does
                    const input = document.querySelector(".o_crm_enroll_birthday");
                    input.value = "1990-05-04";
                    input.dispatchEvent(new Event("input", { bubbles: true }));
                },
            },
            { trigger: ".o_crm_consent_sms", run: "click" },
            { trigger: ".o_crm_enroll_confirm", run: "click" },
            {
                content: "the new member is on the order",
                trigger: ".o_crm_member_summary:contains('陳新會員')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
        ].flat(),
});

function selectMember() {
    return [
        ProductScreen.clickPartnerButton(),
        {
            trigger: ".modal-dialog .input-group input",
            run: "edit 0912000333",
        },
        { trigger: ".modal .search-more-button button", run: "click" },
        ProductScreen.clickCustomer("林美玲"),
    ].flat();
}

/** The tier as the receipt prints it, in English or Traditional Chinese. */
function memberOrder(...receiptTier) {
    return [
        ProductScreen.addOrderline("美式咖啡", "1"),
        selectMember(),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
        {
            content: `the receipt shows the tier: ${receiptTier.join(" / ")}`,
            trigger: receiptTier
                .map((name) => `.pos-receipt .o_crm_receipt_tier:contains('${name}')`)
                .join(", "),
        },
        ReceiptScreen.clickNextOrder(),
    ].flat();
}

registry.category("web_tour.tours").add("CrmRetailVipTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm(),
            memberOrder("Member", "會員"),
            memberOrder("Member", "會員"),
            // the third purchase makes a VIP before the receipt prints
            memberOrder("VIP"),
            ProductScreen.addOrderline("美式咖啡", "1"),
            selectMember(),
            {
                content: "the order screen shows the tier badge",
                trigger: ".o_crm_member_summary .o_crm_member_tier:contains('VIP')",
            },
        ].flat(),
});

/** Type what the customer says; the member shows at once. */
function findMember(query, name) {
    return [
        {
            content: `search the customer list for ${query}`,
            trigger: ".modal-dialog .input-group input",
            run: `edit ${query}`,
        },
        {
            content: `${name} is in the list, without asking for more`,
            trigger: `.modal .partner-list .partner-line:contains('${name}') .o_crm_member_badge`,
        },
    ];
}

registry.category("web_tour.tours").add("CrmRetailFindMemberTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm(),
            ProductScreen.addOrderline("美式咖啡", "1"),
            ProductScreen.clickPartnerButton(),
            findMember("0955111222", "王大同"),
            findMember("0955-111-222", "王大同"),
            findMember("+886 955 111 222", "王大同"),
            findMember("0912 000 333", "林美玲"),
            findMember("044a-b29f-4a72", "王大同"),
            ProductScreen.clickCustomer("王大同"),
            {
                content: "the member is on the order",
                trigger: ".o_crm_member_summary:contains('王大同')",
            },
            {
                content: "the next expiry says what expires then, not the window's total",
                trigger: ".o_crm_member_summary .o_crm_member_next_expiry:contains('16 ')",
            },
            {
                content: "and the total within the notice window",
                trigger:
                    ".o_crm_member_summary .o_crm_member_window:contains('72 '):contains('30 ')",
            },
            {
                content: "a member with points sees 'Use points' on the order screen",
                trigger: ".o_crm_member_summary .o_crm_use_points",
                run: "click",
            },
            {
                content: "up to the 72 points on the card, not those this order will earn",
                trigger: ".modal .subtitle:contains('72')",
            },
            NumberPopup.enterValue("50"),
            NumberPopup.isShown("50"),
            Dialog.confirm(),
            ProductScreen.totalAmountIs("40"),
            // the browser reloads (a crash, a power cut): the order keeps its
            // member and the points discount
            {
                content: "a moment passes (the terminal saves the order locally)",
                trigger: "body",
                run: () => new Promise((resolve) => setTimeout(resolve, 1500)),
            },
            refresh(),
            {
                content: "after the reload the member is still on the order",
                trigger: ".o_crm_member_summary:contains('王大同')",
            },
            ProductScreen.totalAmountIs("40"),
        ].flat(),
});
