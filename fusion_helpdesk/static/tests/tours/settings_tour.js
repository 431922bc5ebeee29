// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("fusion_helpdesk_settings_key", {
    steps: () => [
        {
            content: "The form says a key is saved, and does not show it",
            trigger: "#fusion_helpdesk_connection_setting:contains(A key is saved)",
        },
        {
            trigger: "#fusion_helpdesk_connection_setting input#fusion_helpdesk_client_key_0",
            run() {
                if (this.anchor.value) {
                    throw new Error("The saved client key reached the browser");
                }
            },
        },
        {
            content: "Type a new key",
            trigger: "#fusion_helpdesk_connection_setting input#fusion_helpdesk_client_key_0",
            run: "edit fhk-typed-in-the-form",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Saved and reloaded: the key field is empty again",
            trigger: "#fusion_helpdesk_connection_setting input#fusion_helpdesk_client_key_0",
            run() {
                if (this.anchor.value) {
                    throw new Error("The saved client key reached the browser");
                }
            },
        },
    ],
});
