// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("fusion_helpdesk_submit_ticket", {
    steps: () => [
        {
            content: "Open the Submit a Ticket dialog from the Helpdesk menu",
            trigger: ".o_menu_sections [data-menu-xmlid='fusion_helpdesk.fusion_helpdesk_submit_menu']",
            run: "click",
        },
        {
            content: "Submitting without a subject keeps the dialog open",
            trigger: ".o_fusion_helpdesk_submit",
            run: "click",
        },
        {
            trigger: ".o_fusion_helpdesk_submit_ticket .alert-danger",
        },
        {
            trigger: ".o_fusion_helpdesk_submit_ticket input[name=subject]",
            run: "edit Tour: printer on fire",
        },
        {
            trigger: ".o_fusion_helpdesk_submit_ticket textarea[name=description]",
            run: "edit Smoke from tray 2.",
        },
        {
            trigger: ".o_fusion_helpdesk_submit:not([disabled])",
            run: "click",
        },
        {
            content: "The kept ticket opens with the central number",
            trigger: ".o_form_view .o_field_widget[name=central_number]:contains(HT00042)",
        },
    ],
});
