import {Component, useRef, useState} from "@odoo/owl";
import {ConfirmationDialog} from "@web/core/confirmation_dialog/confirmation_dialog";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";
import {executeButtonCallback} from "@web/views/view_button/view_button_hook";
import {standardWidgetProps} from "@web/views/widgets/standard_widget_props";

/** Context key telling the server the engineer agreed to replace edited summaries. */
const DISCARD_EDITS = "fusion_discard_edited_summary";

/**
 * Whether a wizard or line record holds a summary the engineer typed or
 * changed since the AI last wrote one (mirrors ``summary_is_edited``).
 */
function isEdited(data) {
    const summary = (data.summary || "").trim();
    return Boolean(summary) && summary !== (data.ai_summary || "").trim();
}

/**
 * "Generate" button of the Request Owner Approval wizard. An AI call takes
 * 10-30 s: while it runs the button says what it is generating, with a
 * spinner, and every other button of the dialog is disabled. Before replacing
 * a summary the engineer edited it asks; the server keeps edited summaries
 * unless told the engineer confirmed.
 */
export class AiGenerateButton extends Component {
    static template = "fusion_helpdesk_central.AiGenerateButton";
    static props = {...standardWidgetProps, label: {type: String, optional: true}};

    setup() {
        this.orm = useService("orm");
        this.dialog = useService("dialog");
        this.rootRef = useRef("root");
        this.state = useState({busy: false, busyLabel: ""});
    }

    get bulk() {
        return this.props.record.data.mode === "bulk";
    }

    /** False when no OpenAI key is set: the wizard says so, the button waits. */
    get aiConfigured() {
        return this.props.record.data.ai_configured !== false;
    }

    get notConfiguredTitle() {
        return _t("AI summaries are not set up: no OpenAI API key in Settings.");
    }

    get method() {
        return this.bulk ? "action_generate_all_summaries" : "action_generate_summary";
    }

    get label() {
        if (this.props.label) {
            return this.props.label;
        }
        return this.bulk ? _t("Generate All Summaries") : _t("Generate Summary from Findings");
    }

    /** Records (wizard or lines) whose summary would be replaced. */
    editedRecords() {
        const data = this.props.record.data;
        if (!this.bulk) {
            return isEdited(data) ? [this.props.record] : [];
        }
        return data.line_ids.records.filter(
            (line) => (line.data.findings || "").trim() && isEdited(line.data)
        );
    }

    busyLabelFor(discard) {
        const data = this.props.record.data;
        if (!this.bulk) {
            const ticket = data.ticket_ids.records[0];
            return _t("Generating the summary for %s…", ticket ? ticket.data.display_name : "");
        }
        const count = data.line_ids.records.filter(
            (line) => (line.data.findings || "").trim() && (discard || !isEdited(line.data))
        ).length;
        return count === 1 ? _t("Generating 1 summary…") : _t("Generating %s summaries…", count);
    }

    /** Resolve true (replace), false (keep edits) or null (do nothing). */
    askDiscard(edited) {
        return new Promise((resolve) => {
            const names = edited
                .map((record) =>
                    this.bulk ? record.data.ticket_id?.display_name : _t("this ticket")
                )
                .join(", ");
            this.dialog.add(
                ConfirmationDialog,
                {
                    title: _t("Replace your edited summary?"),
                    body: this.bulk
                        ? _t(
                              "You edited the summary of %s. Generating replaces it with a new one from the AI; keeping your edits generates the other summaries only.",
                              names
                          )
                        : _t(
                              "You edited the summary. Generating replaces it with a new one from the AI, and your text is lost."
                          ),
                    confirmLabel: _t("Replace"),
                    confirm: () => resolve(true),
                    cancelLabel: this.bulk ? _t("Keep my edits") : _t("Cancel"),
                    cancel: () => resolve(this.bulk ? false : null),
                },
                {onClose: () => resolve(null)}
            );
        });
    }

    async onClick() {
        const record = this.props.record;
        // Commit what is still being typed (a textarea updates on change).
        await record.isDirty();
        const edited = this.editedRecords();
        let discard = false;
        if (edited.length) {
            discard = await this.askDiscard(edited);
            if (discard === null) {
                return;
            }
        }
        const dialogEl = this.rootRef.el.closest(".modal-content") || this.rootRef.el;
        await executeButtonCallback(dialogEl, async () => {
            if (!(await record.save())) {
                return;
            }
            this.state.busyLabel = this.busyLabelFor(discard);
            this.state.busy = true;
            try {
                await this.orm.call(record.resModel, this.method, [[record.resId]], {
                    context: {...record.context, [DISCARD_EDITS]: discard},
                });
            } finally {
                this.state.busy = false;
                await record.load();
            }
        });
    }
}

export const aiGenerateButton = {
    component: AiGenerateButton,
    extractProps: ({attrs}) => ({label: attrs.string}),
};

registry.category("view_widgets").add("fusion_ai_generate", aiGenerateButton);
