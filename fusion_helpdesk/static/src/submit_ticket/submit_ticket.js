// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component, onWillStart, useState} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {rpc} from "@web/core/network/rpc";
import {registry} from "@web/core/registry";
import {humanSize} from "@web/core/utils/binary";
import {useAutofocus, useService} from "@web/core/utils/hooks";
import {getDataURLFromFile} from "@web/core/utils/urls";
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
 * Return why ``files`` (``[{name, size}]``) cannot be attached under
 * ``limits`` (from /fusion_helpdesk/submit/limits), or "" when they can: the
 * same rules as ``attachment_problem`` in central_client.py, checked before
 * anything is read or uploaded. The server and central check again.
 */
export function fileProblem(files, limits) {
    if (files.length > limits.max_count) {
        return _t("Please attach at most %(max)s files (%(count)s were chosen).", {
            max: limits.max_count,
            count: files.length,
        });
    }
    const endings = limits.accept.split(",");
    let total = 0;
    for (const file of files) {
        const name = file.name.toLowerCase();
        if (!endings.some((ending) => name.endsWith(ending))) {
            return _t(
                "%s cannot be attached: only images (PNG, JPEG, GIF, WebP), PDF and text files (.txt, .log, .csv) are accepted.",
                file.name
            );
        }
        if (file.size > limits.max_bytes) {
            return _t("%(name)s is larger than %(max)s: each file may be at most %(max)s.", {
                name: file.name,
                max: humanSize(limits.max_bytes),
            });
        }
        total += file.size;
    }
    if (total > limits.max_total_bytes) {
        return _t(
            "The files are larger than %s in all: please attach fewer or smaller files.",
            humanSize(limits.max_total_bytes)
        );
    }
    return "";
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
            files: [],
            sending: false,
        });
        this.limits = null;
        onWillStart(async () => {
            this.limits = await rpc("/fusion_helpdesk/submit/limits");
        });
        useAutofocus({refName: "subject"});
    }

    /** Files chosen in the picker join the list, unless they break a limit (said at once). */
    onFilesChosen(ev) {
        const chosen = [...ev.target.files];
        ev.target.value = "";
        const problem = fileProblem([...this.state.files, ...chosen], this.limits);
        this.state.errors = {...this.state.errors, files: problem};
        if (!problem) {
            this.state.files.push(...chosen);
        }
    }

    removeFile(index) {
        this.state.files.splice(index, 1);
        this.state.errors = {...this.state.errors, files: ""};
    }

    removeLabel(file) {
        return _t("Remove %s", file.name);
    }

    humanSize(size) {
        return humanSize(size);
    }

    async readFiles() {
        const files = [];
        for (const file of this.state.files) {
            const dataUrl = await getDataURLFromFile(file);
            files.push({
                name: file.name,
                mimetype: file.type,
                data: dataUrl.slice(dataUrl.indexOf(",") + 1),
            });
        }
        return files;
    }

    async submit() {
        if (this.state.sending) {
            return;
        }
        this.state.error = "";
        this.state.errors = validateTicket(this.state);
        const filesProblem = fileProblem(this.state.files, this.limits);
        if (filesProblem) {
            this.state.errors.files = filesProblem;
        }
        if (Object.keys(this.state.errors).length) {
            return;
        }
        this.state.sending = true;
        try {
            const result = await rpc("/fusion_helpdesk/submit", {
                subject: this.state.subject,
                description: this.state.description,
                attachments: await this.readFiles(),
            });
            if (!result.id) {
                // Nothing was created (e.g. no subject, a refused file): keep the
                // dialog, the text and the files.
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
