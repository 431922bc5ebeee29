# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(self, model, message, *args, **kwargs):
        """The mail gateway posts as superuser in the name of each email's
        sender (that is how a client's contact replies by email). It is fed by
        the mail fetcher (superuser) or an administrator's ``odoo-mailgate``;
        anyone else calling it over RPC would sign a raw email of their own
        making as any contact."""
        if not (self.env.su or self.env.is_system()):
            raise AccessError(self.env._("Only the mail gateway processes incoming emails."))
        return super().message_process(model, message, *args, **kwargs)
