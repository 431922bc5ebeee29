# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the employee is told, and how fast: one sentence per approval state,
notifications that leave within the sync run, and the unread news flag."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import plaintext2html

# Notice emails sent by one sync run itself; more are left to the mail queue.
NOTICE_MAILS_PER_RUN = 200


class FusionHelpdeskTicket(models.Model):
    _inherit = "fusion.helpdesk.ticket"

    engagement_owner = fields.Char(
        string="Approval Asked Of",
        readonly=True,
        copy=False,
        help="Who your support provider asked to approve the proposed work.",
    )
    has_news = fields.Boolean(
        string="News",
        readonly=True,
        copy=False,
        index=True,
        help="Something new from your support provider since you last opened the ticket.",
    )

    @api.model
    def _central_field_names(self):
        return super()._central_field_names() | {"engagement_owner", "has_news"}

    def action_refresh_thread(self):
        # Opening the ticket refreshes its conversation: its news are read.
        result = super().action_refresh_thread()
        self._fusion_sync_mark_seen()
        return result

    # ------------------------------------------------------------ sentences
    def _fusion_sync_engagement_sentence(self, state, owner, engagement=None):
        """The sentence telling the employee of the approval ``state`` of
        this ticket, asked of ``owner``; ``engagement`` is the feed's
        ``engagement`` block (``delegated_by``, ``auto_approved``). Empty when
        there is nothing to say. Override to word it differently."""
        self.ensure_one()
        engagement = engagement or {}
        ticket = self.central_number or self.name
        owner = owner or self.env._("your company's owner")
        if state == "pending" and engagement.get("delegated_by"):
            return self.env._(
                "%(previous)s passed the approval of the proposed work on your ticket "
                "%(ticket)s on to %(owner)s.",
                previous=engagement["delegated_by"],
                owner=owner,
                ticket=ticket,
            )
        if state == "approved" and engagement.get("auto_approved"):
            return self.env._(
                "The proposed work on your ticket %(ticket)s was approved within your "
                "company's pre-approved budget.",
                ticket=ticket,
            )
        sentences = {
            "pending": self.env._(
                "Your support provider asked %(owner)s to approve the proposed work on "
                "your ticket %(ticket)s.",
                owner=owner,
                ticket=ticket,
            ),
            "approved": self.env._(
                "%(owner)s approved the proposed work on your ticket %(ticket)s.",
                owner=owner,
                ticket=ticket,
            ),
            "rejected": self.env._(
                "%(owner)s rejected the proposed work on your ticket %(ticket)s.",
                owner=owner,
                ticket=ticket,
            ),
            "changes_requested": self.env._(
                "%(owner)s asked for changes to the proposed work on your ticket %(ticket)s.",
                owner=owner,
                ticket=ticket,
            ),
            "expired": self.env._(
                "The request to %(owner)s to approve the proposed work on your ticket "
                "%(ticket)s expired without an answer.",
                owner=owner,
                ticket=ticket,
            ),
        }
        return sentences.get(state, "")

    def _prepare_sync_engagement_notice_body(self, state, owner, engagement=None, comment=""):
        """HTML of the notice of an approval ``state`` (with the owner's
        ``comment``, plain text), or an empty Markup when there is nothing to say."""
        self.ensure_one()
        sentence = self._fusion_sync_engagement_sentence(state, owner, engagement)
        if not sentence:
            return Markup()
        body = Markup("<p>%s</p>") % sentence
        if comment:
            # Owners write line breaks in the confirm page's textarea.
            body += Markup("<blockquote>%s</blockquote>") % plaintext2html(comment)
        return body

    # ------------------------------------------------------------ delivery
    def _fusion_sync_post_notice(self, body):
        """Post ``body`` as a note addressed to the ticket's employee only:
        Odoo delivers it by their preference (inbox or email). The email is
        sent when the sync commits its page, not by the hourly mail queue."""
        self.ensure_one()
        partner = self.user_id.partner_id
        if not partner or not body:
            return None
        message = self.message_post(
            body=body,
            message_type="comment",
            # A note addressed to the employee: followers are not notified,
            # the employee is, through their own notification preference.
            subtype_xmlid="mail.mt_note",
            partner_ids=partner.ids,
        )
        self.sudo().has_news = True
        return message

    @api.model
    def _fusion_sync_send_notice_mails(self):
        """Send now the notice emails the sync queued (called once the run has
        committed its pages): Odoo's mail queue would wait for its next run,
        up to an hour. What is left (a failure, a large batch) goes to the
        queue, which is triggered to run at once."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("state", "=", "outgoing"),
                    "|",
                    ("scheduled_date", "=", False),
                    ("scheduled_date", "<=", fields.Datetime.now()),
                ],
                limit=NOTICE_MAILS_PER_RUN,
            )
        )
        if mails:
            mails.send()
        if len(mails) == NOTICE_MAILS_PER_RUN:
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        return mails

    def _fusion_sync_mark_seen(self):
        """The employee opened the ticket: its news are read."""
        mine = self.filtered(lambda ticket: ticket.has_news and ticket.user_id == self.env.user)
        if mine:
            mine.sudo().has_news = False
