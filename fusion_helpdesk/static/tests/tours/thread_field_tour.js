// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

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

registry.category("web_tour.tours").add("fusion_helpdesk_thread_dates_and_pending", {
    steps: () => [
        {
            content: "A pending approval says who was asked",
            trigger: ".o_form_view .alert-info:contains(asked Olivia Owner to approve)",
        },
        {
            content: "Message dates are written for the reader, as in Discuss",
            trigger:
                ".o_fusion_helpdesk_thread_field time.o_fusion_helpdesk_date:contains(May 27, 2026)",
        },
        {
            content: "not as the stored copy's numeric date with seconds",
            trigger:
                ".o_fusion_helpdesk_thread_field:not(:contains(05/27/2026)):contains(Eddie Engineer)",
        },
    ],
});
