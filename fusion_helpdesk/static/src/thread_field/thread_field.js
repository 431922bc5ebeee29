// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component, markup, useEffect} from "@odoo/owl";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {user} from "@web/core/user";
import {useService} from "@web/core/utils/hooks";
import {standardFieldProps} from "@web/views/fields/standard_field_props";

const {DateTime} = luxon;

// Same rules as ``strip_remote_resources`` in central_client.py, which cleans
// the thread before it is stored; this pass covers copies stored before it.
const FETCHING_TAGS =
    "applet,audio,base,embed,frame,frameset,iframe,link,meta,object,picture,script,source,style,track,video";
const FETCHING_ATTRIBUTES = new Set([
    "background",
    "dynsrc",
    "lowsrc",
    "ping",
    "poster",
    "srcset",
    "data",
    "formaction",
    "src",
]);
const LINK_TAGS = new Set(["a", "area"]);
const CSS_FETCH = /url|image|import|expression|\\/i;
const INLINE_IMAGE = /^data:image\//i;
const IMAGE_ATTRIBUTES = new Set(["src", "alt", "title", "width", "height"]);

/**
 * Return ``html`` without anything the browser would load by itself (remote
 * images are tracking pixels). Parsed with DOMParser, whose documents are
 * inert: nothing in them loads or runs while they are cleaned.
 */
export function stripRemoteResources(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const element of doc.body.querySelectorAll(FETCHING_TAGS)) {
        element.remove();
    }
    for (const img of doc.body.querySelectorAll("img")) {
        if (INLINE_IMAGE.test((img.getAttribute("src") || "").trim())) {
            for (const attribute of [...img.attributes]) {
                if (!IMAGE_ATTRIBUTES.has(attribute.name.toLowerCase())) {
                    img.removeAttribute(attribute.name);
                }
            }
            continue;
        }
        const alt = (img.getAttribute("alt") || "").trim();
        const placeholder = doc.createElement("span");
        placeholder.textContent = alt ? `[image: ${alt}]` : "[image]";
        img.replaceWith(placeholder);
    }
    for (const element of doc.body.querySelectorAll("*")) {
        if (element.localName === "img") {
            continue;
        }
        for (const attribute of [...element.attributes]) {
            const name = attribute.name.toLowerCase().split(":").pop();
            if (
                FETCHING_ATTRIBUTES.has(name) ||
                (name === "href" && !LINK_TAGS.has(element.localName)) ||
                (name === "style" && CSS_FETCH.test(attribute.value))
            ) {
                element.removeAttribute(attribute.name);
            }
        }
    }
    return doc.body.innerHTML;
}

/**
 * Return ``html`` with each message date written for the person reading it,
 * in their language and time zone, the way Discuss writes message dates. The
 * stored copy is shared (whoever refreshed it formatted its dates), so the
 * ISO date in ``<time datetime>`` is the reference.
 */
export function localizeDates(html) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const time of doc.body.querySelectorAll("time.o_fusion_helpdesk_date[datetime]")) {
        const moment = DateTime.fromISO(time.getAttribute("datetime"), {zone: "utc"});
        if (moment.isValid) {
            time.textContent = moment
                .setZone("default")
                .toLocaleString(DateTime.DATETIME_MED, {locale: user.lang});
        }
    }
    return doc.body.innerHTML;
}

/**
 * Shows the stored copy of central's public thread and, each time a sent
 * ticket is opened, asks the server to refresh it from central, then reloads
 * the record. When central is down the stored copy stays, with the notice the
 * form displays from ``thread_error``.
 */
export class FusionHelpdeskThreadField extends Component {
    static template = "fusion_helpdesk.ThreadField";
    static props = {...standardFieldProps};

    setup() {
        this.orm = useService("orm");
        useEffect(
            (resId) => {
                this.refresh(resId);
            },
            () => [this.props.record.resId]
        );
    }

    get threadHtml() {
        const value = this.props.record.data[this.props.name];
        return value ? markup(localizeDates(stripRemoteResources(value.toString()))) : "";
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
    fieldDependencies: [{name: "central_id", type: "integer"}],
};

registry.category("fields").add("fusion_helpdesk_thread", fusionHelpdeskThreadField);
