// Copyright 2026 Fusion Helpdesk
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";
import {FormController} from "@web/views/form/form_controller";
import {formView} from "@web/views/form/form_view";
import {KanbanController} from "@web/views/kanban/kanban_controller";
import {kanbanView} from "@web/views/kanban/kanban_view";
import {ListController} from "@web/views/list/list_controller";
import {listView} from "@web/views/list/list_view";

/**
 * My Tickets: the list's create button is "Submit a Ticket" and opens the
 * submit dialog over the list (a blank form would skip its checks and its
 * sending). Cancelling the dialog leaves the employee on the list.
 */
export class FusionHelpdeskTicketListController extends ListController {
    static template = "fusion_helpdesk.TicketListView";

    async createRecord() {
        await this.actionService.doAction("fusion_helpdesk.fusion_helpdesk_submit_action");
    }
}

export const fusionHelpdeskTicketListView = {
    ...listView,
    Controller: FusionHelpdeskTicketListController,
};

registry.category("views").add("fusion_helpdesk_ticket_list", fusionHelpdeskTicketListView);

/** The same on phones, where My Tickets shows as cards. */
export class FusionHelpdeskTicketKanbanController extends KanbanController {
    static template = "fusion_helpdesk.TicketKanbanView";

    async createRecord() {
        await this.actionService.doAction("fusion_helpdesk.fusion_helpdesk_submit_action");
    }
}

export const fusionHelpdeskTicketKanbanView = {
    ...kanbanView,
    Controller: FusionHelpdeskTicketKanbanController,
};

registry.category("views").add("fusion_helpdesk_ticket_kanban", fusionHelpdeskTicketKanbanView);

/**
 * A ticket's New button is the same Submit a Ticket dialog: a blank form
 * would keep a ticket that is never sent unless its Submit is found. Typed
 * changes of the open ticket are saved first, as Odoo's New does.
 */
export class FusionHelpdeskTicketFormController extends FormController {
    async create() {
        const root = this.model.root;
        if ((await root.isDirty()) && !(await root.save())) {
            return;
        }
        await this.actionService.doAction("fusion_helpdesk.fusion_helpdesk_submit_action");
    }
}

export const fusionHelpdeskTicketFormView = {
    ...formView,
    Controller: FusionHelpdeskTicketFormController,
};

registry.category("views").add("fusion_helpdesk_ticket_form", fusionHelpdeskTicketFormView);
