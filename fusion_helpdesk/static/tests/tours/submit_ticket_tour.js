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

/** Choose ``files`` (``[[name, text, type]]``) in the dialog's file picker, as a person would. */
function chooseFiles(files) {
    return function () {
        const input = document.querySelector(`${DIALOG} #fusion_helpdesk_files`);
        const transfer = new DataTransfer();
        for (const [name, text, type] of files) {
            transfer.items.add(new File([text], name, {type}));
        }
        input.files = transfer.files;
        input.dispatchEvent(new Event("change", {bubbles: true}));
    };
}

registry.category("web_tour.tours").add("fusion_helpdesk_submit_files", {
    steps: () => [
        {
            trigger: ".o_fusion_helpdesk_submit_button",
            run: "click",
        },
        {
            content: "The limits are shown before any file is chosen",
            trigger: `${DIALOG} .o_fusion_helpdesk_file_limits:contains(Up to 5 files, 10 MB each)`,
        },
        {
            trigger: `${DIALOG} input[name=subject]`,
            run: "edit Tour: printer with a log",
        },
        {
            trigger: `${DIALOG} textarea[name=description]`,
            run: "edit The log says tray 2.",
        },
        {
            content: "A page is refused at once, with the reason, and nothing typed is lost",
            trigger: `${DIALOG} #fusion_helpdesk_files`,
            run: chooseFiles([["page.html", "<html></html>", "text/html"]]),
        },
        {
            trigger: `${DIALOG} #fusion_helpdesk_files_error:contains(page.html cannot be attached)`,
        },
        {
            trigger: `${DIALOG} input[name=subject]:value(Tour: printer with a log)`,
        },
        {
            content: "A log is taken and listed",
            trigger: `${DIALOG} #fusion_helpdesk_files`,
            run: chooseFiles([["odoo.log", "ERROR tray 2\n", "text/plain"]]),
        },
        {
            trigger: `${DIALOG} li:contains(odoo.log)`,
        },
        {
            trigger: `${DIALOG}:not(:has(#fusion_helpdesk_files_error))`,
        },
        {
            trigger: `${DIALOG} .o_fusion_helpdesk_submit:not([disabled])`,
            run: "click",
        },
        {
            content: "The kept ticket lists the file sent with it",
            trigger: ".o_form_view .o_field_widget[name=attachment_ids]:contains(odoo.log)",
        },
        {
            trigger: ".o_form_view .o_field_widget[name=central_number]:contains(HT00042)",
        },
    ],
});
