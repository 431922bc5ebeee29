import {registry} from "@web/core/registry";

/** Engineer, one ticket: findings, AI summary, edits kept, preview, send. */
registry.category("web_tour.tours").add("fusion_engagement_single_tour", {
    steps: () => [
        {
            content: "Open the wizard from the ticket",
            trigger: "button[name=action_open_engagement_wizard]",
            run: "click",
        },
        {
            content: "Write the findings",
            trigger: ".modal .o_field_widget[name=findings] textarea",
            run: "edit Scope: the fuser only. Effort: 2 hours.",
        },
        {
            content: "Generate the summary",
            trigger: ".modal .o_fusion_ai_generate_button:contains(Generate Summary)",
            run: "click",
        },
        {
            content: "The button says what the AI is doing while it works",
            trigger:
                ".modal .o_fusion_ai_generate_button:contains(Generating the summary for):disabled",
        },
        {
            content: "The footer cannot send meanwhile",
            trigger: ".modal footer button[name=action_send]:disabled",
        },
        {
            content: "The preview shows the owner's email with the AI summary",
            trigger: ".modal .o_fusion_owner_preview:contains(Replace the fuser, two hours.)",
        },
        {
            content: "The preview says what the owner reads",
            trigger: ".modal [name=owner_preview]:contains(internal notes)",
        },
        {
            content: "Edit the summary",
            trigger: ".modal .o_field_widget[name=summary] textarea",
            run: "edit Replace the fuser, two hours. Mine.",
        },
        {
            content: "Generate again",
            trigger: ".modal .o_fusion_ai_generate_button:contains(Generate Summary):enabled",
            run: "click",
        },
        {
            content: "It asks before replacing the edited summary: keep it",
            trigger: ".modal-title:contains(Replace your edited summary?)",
        },
        {
            trigger: ".modal-footer button:contains(Cancel)",
            run: "click",
        },
        {
            content: "The edit is still there and in the preview",
            trigger: ".modal .o_fusion_owner_preview:contains(two hours. Mine.)",
        },
        {
            content: "Send",
            trigger: ".modal footer button[name=action_send]:enabled",
            run: "click",
        },
        {
            content: "Confirmation",
            trigger: ".o_notification:contains(Approval requested from the owner)",
        },
    ],
});

/** Engineer, several tickets from the list: rows edited in place, all generated. */
registry.category("web_tour.tours").add("fusion_engagement_bulk_tour", {
    steps: () => [
        {
            trigger: ".o_searchview_input",
            run: "edit Tour bulk",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "Only the two tickets found are listed",
            trigger:
                ".o_list_renderer tbody:not(:has(.o_data_row:nth-child(3))) .o_data_row:contains(Tour bulk printer)",
        },
        {
            content: "Select every ticket found",
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_cp_action_menus .dropdown-toggle:contains(Actions)",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:contains(Request Owner Approval)",
            run: "click",
        },
        {
            content: "Edit the first row in place: no dialog",
            trigger: ".modal .o_data_row:contains(Tour bulk printer) td[name=findings]",
            run: "click",
        },
        {
            trigger:
                ".modal .o_data_row.o_selected_row:contains(Tour bulk printer) td[name=findings] textarea",
            run: "edit Fuser worn out, 2 hours.",
        },
        {
            trigger: ".modal .o_data_row:contains(Tour bulk VPN) td[name=findings]",
            run: "click",
        },
        {
            trigger:
                ".modal .o_data_row.o_selected_row:contains(Tour bulk VPN) td[name=findings] textarea",
            run: "edit VPN keepalive, 1 hour.",
        },
        {
            content: "Generate all",
            trigger: ".modal .o_fusion_ai_generate_button:contains(Generate All Summaries)",
            run: "click",
        },
        {
            content: "The button counts what it generates",
            trigger: ".modal .o_fusion_ai_generate_button:contains(Generating 2 summaries)",
        },
        {
            content: "Both summaries are in their rows, readable",
            trigger: ".modal .o_data_row td[name=summary]:contains(Fuser worn out, 2 hours.)",
        },
        {
            trigger: ".modal .o_data_row td[name=summary]:contains(VPN keepalive, 1 hour.)",
        },
        {
            content: "One email for this owner, previewed",
            trigger: ".modal .o_fusion_owner_preview:contains(VPN keepalive, 1 hour.)",
        },
        {
            trigger: ".modal footer button[name=action_send]:enabled:contains(Send to Owners)",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(Approval requested from the owner)",
        },
    ],
});

/** Manager: the reporting opens with readable turnaround. */
registry.category("web_tour.tours").add("fusion_engagement_reporting_tour", {
    steps: () => [
        {
            content: "Approval Rounds pivot",
            trigger: ".o_pivot:contains(Average turnaround)",
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Decided round: h:mm; pending round: empty",
            trigger: ".o_data_row:contains(Approved) td[name=turnaround_hours]:contains(3:30)",
        },
        {
            trigger: ".o_data_row:contains(Pending) td[name=turnaround_hours]:not(:contains(0))",
        },
        {
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            trigger: ".o_graph_renderer canvas",
        },
    ],
});

/** Engineer: a ticket the owner decided shows the decision in its chatter. */
registry.category("web_tour.tours").add("fusion_engagement_decided_ticket_tour", {
    steps: () => [
        {
            content: "The owner's comment, with what they wrote",
            trigger:
                ".o-mail-Message:contains(Owner decision: Approved):contains(Go ahead after 6 pm)",
        },
        {
            content: "The state change, tracked like any other",
            trigger: ".o-mail-Message-tracking:contains(Pending):contains(Approved)",
        },
        {
            content: "The engineer's to-do",
            trigger: ".o-mail-Activity:contains(Owner decision: Approved)",
        },
    ],
});

/** Engineer: the owner asked for changes; the wizard starts from what they read. */
registry.category("web_tour.tours").add("fusion_engagement_revision_tour", {
    steps: () => [
        {
            content: "Find the tickets waiting for a revision",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:contains(Changes Requested)",
            run: "click",
        },
        {
            trigger: ".o_data_row:contains(Printer on fire) td[name=name]",
            run: "click",
        },
        {
            content: "Open the wizard from the ticket",
            trigger: "button[name=action_open_engagement_wizard]",
            run: "click",
        },
        {
            content: "The owner's comment is shown above the texts",
            trigger: ".modal .o_fusion_revision:contains(Do it after the audit)",
        },
        {
            content: "The findings they read are there to revise",
            trigger: ".modal .o_field_widget[name=findings] textarea:value(Scope: the fuser only.)",
        },
        {
            trigger: ".modal .o_field_widget[name=summary] textarea",
            run: "edit Replace the fuser after the audit, two hours.",
        },
        {
            content: "Leave the summary: the preview follows",
            trigger: ".modal .o_field_widget[name=findings] textarea",
            run: "click",
        },
        {
            content: "The preview says it is a revised proposal",
            trigger: ".modal [name=owner_preview]:contains(Revised proposal)",
        },
        {
            trigger: ".modal .o_fusion_owner_preview:contains(after the audit, two hours.)",
        },
        {
            trigger: ".modal footer button[name=action_send]:enabled",
            run: "click",
        },
        {
            trigger: ".o_notification:contains(Approval requested from the owner)",
        },
    ],
});

/** Engineer, several tickets, one without an owner: flagged, removed rows, the rest sent. */
registry.category("web_tour.tours").add("fusion_engagement_bulk_bad_row_tour", {
    steps: () => [
        {
            trigger: ".o_searchview_input",
            run: "edit Tour row",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            trigger:
                ".o_list_renderer tbody:not(:has(.o_data_row:nth-child(4))) .o_data_row:contains(Tour row orphan)",
        },
        {
            trigger: "thead .o_list_record_selector input",
            run: "click",
        },
        {
            trigger: ".o_cp_action_menus .dropdown-toggle:contains(Actions)",
            run: "click",
        },
        {
            trigger: ".o-dropdown-item:contains(Request Owner Approval)",
            run: "click",
        },
        {
            content: "The row without an owner is flagged before anything is typed",
            trigger: ".modal .o_data_row.text-danger:contains(Tour row orphan):contains(not known)",
        },
        {
            trigger: ".modal [name=blocked_rows]:contains(Cannot be sent)",
        },
        {
            content: "No AI key: the wizard says so before any click",
            trigger: ".modal [name=ai_not_configured]:contains(not set up)",
        },
        {
            trigger: ".modal .o_fusion_ai_generate_button:disabled",
        },
        {
            content: "Type the summary of the printer",
            trigger: ".modal .o_data_row:contains(Tour row printer) td[name=summary]",
            run: "click",
        },
        {
            trigger:
                ".modal .o_data_row.o_selected_row:contains(Tour row printer) td[name=summary] textarea",
            run: "edit Replace the fuser, two hours.",
        },
        {
            content: "Remove the VPN row: it will not be sent",
            trigger: ".modal .o_data_row:contains(Tour row VPN) .o_list_record_remove button",
            run: "click",
        },
        {
            trigger: ".modal .o_list_renderer:not(:has(.o_data_row:contains(Tour row VPN)))",
        },
        {
            trigger: ".modal footer button[name=action_send]:enabled:contains(Send to Owners)",
            run: "click",
        },
        {
            content: "The valid one left, the other is named with the reason",
            trigger:
                ".o_notification:contains(Approval requested from the owner):contains(Not sent):contains(not known)",
        },
    ],
});
