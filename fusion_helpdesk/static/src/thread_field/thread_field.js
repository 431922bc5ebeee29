// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, useEffect } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * Shows the stored copy of central's public thread and, each time a sent
 * ticket is opened, asks the server to refresh it from central, then reloads
 * the record. When central is down the stored copy stays, with the notice the
 * form displays from ``thread_error``.
 */
export class FusionHelpdeskThreadField extends Component {
    static template = "fusion_helpdesk.ThreadField";
    static props = { ...standardFieldProps };

    setup() {
        this.orm = useService("orm");
        useEffect(
            (resId) => {
                this.refresh(resId);
            },
            () => [this.props.record.resId]
        );
    }

    async refresh(resId) {
        const record = this.props.record;
        if (!resId || !record.data.central_id || record.dirty) {
            return;
        }
        await this.orm.call(record.resModel, "action_refresh_thread", [[resId]]);
        if (record.resId === resId && !record.dirty) {
            await record.load();
        }
    }
}

export const fusionHelpdeskThreadField = {
    component: FusionHelpdeskThreadField,
    displayName: _t("Support conversation"),
    supportedTypes: ["html"],
    fieldDependencies: [{ name: "central_id", type: "integer" }],
};

registry.category("fields").add("fusion_helpdesk_thread", fusionHelpdeskThreadField);
