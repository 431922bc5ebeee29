// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

const DIALOG = ".modal .o_fusion_helpdesk_submit_ticket";

registry.category("web_tour.tours").add("fusion_helpdesk_submit_ticket", {
    steps: () => [
        {
            content: "Open the apps menu",
            trigger: ".o_navbar_apps_menu button",
            run: "click",
        },
        {
            content: "Open the Helpdesk app",
            trigger: ".o_app[data-menu-xmlid='fusion_helpdesk.fusion_helpdesk_menu_root']",
            run: "click",
        },
        {
            content: "The app opens on My Tickets, not on a dialog",
            trigger: ".o_action_manager .o_list_view",
        },
        {
            trigger: ".o_breadcrumb .active:contains(My Tickets)",
        },
        {
            content: "Submitting is the list's highlighted button",
            trigger: ".o_control_panel .btn-primary.o_fusion_helpdesk_submit_button",
            run: "click",
        },
        {
            content: "Cancel closes the dialog",
            trigger: `${DIALOG} .btn-secondary`,
            run: "click",
        },
        {
            content: "and leaves the employee on My Tickets",
            trigger: "body:not(:has(.modal)) .o_breadcrumb .active:contains(My Tickets)",
        },
        {
            trigger: ".o_fusion_helpdesk_submit_button",
            run: "click",
        },
        {
            content: "Submitting an empty dialog shows every problem at once",
            trigger: `${DIALOG} .o_fusion_helpdesk_submit`,
            run: "click",
        },
        {
            trigger: `${DIALOG} input[name=subject].is-invalid`,
        },
        {
            trigger: `${DIALOG} textarea[name=description].is-invalid`,
        },
        {
            trigger: `${DIALOG} #fusion_helpdesk_description_error:contains(describe the problem)`,
        },
        {
            trigger: `${DIALOG} input[name=subject]`,
            run: "edit Tour: printer on fire",
        },
        {
            trigger: `${DIALOG} textarea[name=description]`,
            run: "edit Smoke from tray 2.",
        },
        {
            trigger: `${DIALOG} .o_fusion_helpdesk_submit:not([disabled])`,
            run: "click",
        },
        {
            content: "The kept ticket opens with the provider's number",
            trigger: ".o_form_view .o_field_widget[name=central_number]:contains(HT00042)",
        },
        {
            content: "The ticket's New button is the same Submit a Ticket dialog",
            trigger: ".o_form_view .o_form_button_create",
            run: "click",
        },
        {
            trigger: `${DIALOG} input[name=subject]`,
        },
        {
            content: "Cancel leaves the employee on the sent ticket",
            trigger: `${DIALOG} .btn-secondary`,
            run: "click",
        },
        {
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_field_widget[name=central_number]:contains(HT00042)",
        },
        {
            content: "under a My Tickets breadcrumb",
            trigger: ".o_breadcrumb .breadcrumb-item:contains(My Tickets)",
            run: "click",
        },
        {
            content: "The ticket is in My Tickets, sent",
            trigger: ".o_list_view .o_data_row:contains(Tour: printer on fire):contains(HT00042)",
        },
        {
            trigger: ".o_data_row:contains(Tour: printer on fire) [name=status]:contains(Sent)",
        },
    ],
});
