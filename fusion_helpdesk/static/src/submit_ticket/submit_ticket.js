// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {rpc} from "@web/core/network/rpc";
import {registry} from "@web/core/registry";
import {useAutofocus, useService} from "@web/core/utils/hooks";
import {standardActionServiceProps} from "@web/webclient/actions/action_service";

// Central's intake limit, as SUBJECT_MAX_LENGTH in fusion_helpdesk_ticket.py.
const SUBJECT_MAX_LENGTH = 200;
// Characters that show nothing, as ``is_blank`` in central_client.py: a
// subject made only of them is empty.
const INVISIBLE = /[\s\p{Cf}\u115f\u1160\u2800\u3164\uffa0]/gu;

/**
 * Return the problems of the typed texts, by field (empty when none), all at
 * once so that the employee fixes everything in one go. The server checks the
 * same again: this only saves round trips.
 */
export function validateTicket({subject, description}) {
    const errors = {};
    if (!subject.replace(INVISIBLE, "")) {
        errors.subject = _t("Please give your ticket a subject.");
    } else if (subject.trim().length > SUBJECT_MAX_LENGTH) {
        errors.subject = _t(
            "Please shorten the subject to %s characters; details go in the description.",
            SUBJECT_MAX_LENGTH
        );
    }
    if (!description.trim()) {
        errors.description = _t("Please describe the problem: the support team needs the details.");
    }
    return errors;
}

/**
 * "Submit a Ticket" dialog: posts subject and description to the
 * /fusion_helpdesk/submit route, which keeps the ticket locally before it
 * talks to central. Whatever central answers, the employee lands on the kept
 * ticket (over My Tickets): sent with its number, or not sent with the reason
 * and Send Again on the ticket itself.
 */
export class FusionHelpdeskSubmitTicket extends Component {
    static template = "fusion_helpdesk.SubmitTicket";
    static props = {...standardActionServiceProps};

    setup() {
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({
            subject: "",
            description: "",
            error: "",
            errors: {},
            sending: false,
        });
        useAutofocus({refName: "subject"});
    }

    async submit() {
        if (this.state.sending) {
            return;
        }
        this.state.error = "";
        this.state.errors = validateTicket(this.state);
        if (Object.keys(this.state.errors).length) {
            return;
        }
        this.state.sending = true;
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
                this.notification.add(_t("Ticket %s sent to the support team.", result.number), {
                    type: "success",
                });
            }
            // Not sent: the ticket's banner says why and offers Send Again; a
            // toast repeating it would only hide part of the form.
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
        this.action.doAction({type: "ir.actions.act_window_close"});
    }
}

registry.category("actions").add("fusion_helpdesk.submit_ticket", FusionHelpdeskSubmitTicket);
