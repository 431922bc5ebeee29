import {patch} from "@web/core/utils/patch";
import {GraphRenderer} from "@web/views/graph/graph_renderer";

/**
 * Owner decisions have colours with a meaning: by default Odoo colours the
 * series by their order, which painted Approved red and Rejected blue. On the
 * engagement reporting, a series split by decision state gets its own colour.
 */
const STATE_COLORS = {
    pending: "#F2B84B", // amber: waiting (never the blue of a New stage)
    approved: "#2E9F5E", // green
    rejected: "#D9534F", // red
    changes_requested: "#E76F51", // deep orange
    expired: "#9AA0A6", // grey
    superseded: "#C3C7CC", // light grey
    delegated: "#8481DD", // purple
    none: "#E4E7EB",
};
const STATE_FIELDS = {
    "fusion.helpdesk.engagement": "state",
    "helpdesk.ticket": "engagement_state",
};

patch(GraphRenderer.prototype, {
    getBarChartData() {
        const data = super.getBarChartData(...arguments);
        const {resModel, groupBy, fields} = this.model.metaData;
        const stateField = STATE_FIELDS[resModel];
        const series = groupBy && groupBy[1];
        if (!stateField || !series || series.fieldName !== stateField) {
            return data;
        }
        const keyOfLabel = Object.fromEntries(
            (fields[stateField].selection || []).map(([key, label]) => [label, key])
        );
        for (const dataset of data.datasets) {
            const color = STATE_COLORS[keyOfLabel[dataset.label]];
            if (color) {
                dataset.backgroundColor = color;
            }
        }
        return data;
    },
});
