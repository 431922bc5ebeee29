// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("fusion_helpdesk_thread_no_remote_images", {
    steps: () => [
        {
            content: "The stored conversation is shown",
            trigger: ".o_fusion_helpdesk_thread_field:contains(Stored copy from central)",
        },
        {
            content: "without the remote image, replaced by a placeholder",
            trigger: ".o_fusion_helpdesk_thread_field:contains([image: pixel]):not(:has(img))",
        },
        {
            content: "and without CSS that would fetch a background",
            trigger: ".o_fusion_helpdesk_thread_field:contains(Bye):not(:has([style]))",
        },
    ],
});
