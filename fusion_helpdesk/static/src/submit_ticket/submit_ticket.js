// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * "Submit a Ticket" dialog: posts subject and description to the
 * /fusion_helpdesk/submit route, which keeps the ticket locally before it
 * talks to central. Whatever central answers, the employee lands on the kept
 * ticket: sent with its number, or not sent with the reason and Send Again.
 */
export class FusionHelpdeskSubmitTicket extends Component {
    static template = "fusion_helpdesk.SubmitTicket";
    static props = { ...standardActionServiceProps };

    setup() {
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({ subject: "", description: "", error: "", sending: false });
    }

    async submit() {
        if (this.state.sending) {
            return;
        }
        this.state.sending = true;
        this.state.error = "";
        try {
            const result = await rpc("/fusion_helpdesk/submit", {
                subject: this.state.subject,
                description: this.state.description,
            });
            if (!result.id) {
                // Nothing was created (e.g. no subject): keep the dialog and the text.
                this.state.error = result.error;
                return;
            }
            if (result.ok) {
                this.notification.add(
                    _t("Ticket %s sent to the support team.", result.number),
                    { type: "success" }
                );
            } else {
                this.notification.add(result.error, {
                    type: "warning",
                    title: _t("Saved, not sent yet"),
                    sticky: true,
                });
            }
            await this.action.doAction({
                type: "ir.actions.act_window",
                res_model: "fusion.helpdesk.ticket",
                res_id: result.id,
                views: [[false, "form"]],
                target: "current",
            });
        } finally {
            this.state.sending = false;
        }
    }

    cancel() {
        this.action.doAction({ type: "ir.actions.act_window_close" });
    }
}

registry.category("actions").add("fusion_helpdesk.submit_ticket", FusionHelpdeskSubmitTicket);
