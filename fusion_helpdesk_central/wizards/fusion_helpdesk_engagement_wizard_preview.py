# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from email.utils import parseaddr

from odoo import api, fields, models

from ..models.helpdesk_ticket import summary_html


class FusionHelpdeskEngagementWizard(models.TransientModel):
    """What the owner will read, before it is sent: the wizard renders the
    owner's email as the mail composer would, from the texts on screen."""

    _inherit = "fusion.helpdesk.engagement.wizard"

    preview_subject = fields.Char(compute="_compute_preview", string="Subject")
    preview_to = fields.Char(compute="_compute_preview", string="To")
    preview_body = fields.Html(compute="_compute_preview", string="Email", sanitize=False)
    preview_note = fields.Char(compute="_compute_preview")
    # Bulk with several owners: whose email the preview shows, as Odoo's
    # template preview picks a record.
    preview_client_key_id = fields.Many2one(
        comodel_name="fusion.helpdesk.client.key",
        string="Preview the email to the owner of",
        domain="[('id', 'in', preview_client_key_ids)]",
    )
    preview_client_key_ids = fields.Many2many(
        comodel_name="fusion.helpdesk.client.key",
        compute="_compute_preview_client_key_ids",
    )

    @api.depends(
        "ticket_ids",
        "findings",
        "summary",
        "ai_summary",
        "ai_model",
        "line_ids.findings",
        "line_ids.summary",
        "line_ids.ai_model",
        "preview_client_key_id",
    )
    def _compute_preview(self):
        for wizard in self:
            values = wizard._engagement_preview()
            wizard.preview_subject = values.get("subject") or False
            wizard.preview_to = values.get("to") or False
            wizard.preview_body = values.get("body") or False
            wizard.preview_note = values.get("note") or False

    @api.depends("line_ids.client_key_id")
    def _compute_preview_client_key_ids(self):
        for wizard in self:
            wizard.preview_client_key_ids = wizard.line_ids.client_key_id.filtered("owner_email")

    def _prepare_preview_items(self):
        """``(ticket, findings, summary, ai_model)`` of the tickets the
        previewed email presents; override to preview something else."""
        self.ensure_one()
        if self.mode == "single":
            return [
                (ticket, self.findings, self.summary, self.ai_model) for ticket in self.ticket_ids
            ]
        return [
            (line.ticket_id, line.findings, line.summary, line.ai_model) for line in self.line_ids
        ]

    def _engagement_preview(self):
        """Subject, To, body and a note of the first owner's email, rendered
        by the real templates on unsaved copies of the tickets. No token
        exists yet and none is passed, so the buttons carry no link."""
        self.ensure_one()
        items = [
            item for item in self._prepare_preview_items() if item[0].client_key_id.owner_email
        ]
        if not items:
            return {}
        owner_email = items[0][0].client_key_id.owner_email
        picked = self.preview_client_key_id.owner_email
        if picked and any(item[0].client_key_id.owner_email == picked for item in items):
            owner_email = picked
        group = [item for item in items if item[0].client_key_id.owner_email == owner_email]
        owners = {item[0].client_key_id.owner_email for item in items}
        Ticket = self.env["helpdesk.ticket"]
        Round = self.env["fusion.helpdesk.engagement"]
        previews = Ticket.browse()
        for ticket, findings, summary, ai_model in group:
            # In an onchange the wizard's tickets are new records themselves.
            ticket = ticket._origin
            client = ticket.client_key_id
            engagement = Round.new(
                {
                    "ticket_id": ticket.id,
                    "requested_by_id": self.env.user.id,
                    "ai_model": ai_model or False,
                    "summary": summary or "",
                    "findings": findings or "",
                    # A revised proposal says so in its preview too.
                    "parent_id": ticket.engagement_id.id,
                }
            )
            previews |= Ticket.new(
                {
                    "engagement_id": engagement.id,
                    "engagement_state": "pending",
                    "engagement_summary": summary or "",
                    # Given, not computed: new records of one origin share
                    # their cache, so a computed value would be the first
                    # preview's.
                    "engagement_summary_html": summary_html(summary),
                    "engagement_findings": findings or "",
                    "engagement_owner_email": client.owner_email,
                    "engagement_owner_name": client.owner_name,
                    "engagement_requested_by_id": self.env.user.id,
                },
                origin=ticket,
            )
        xmlid = "single" if len(previews) == 1 else "bulk"
        template = self.env.ref("fusion_helpdesk_central.mail_template_engagement_%s" % xmlid)
        # No ``fusion_engagement_links`` here: ``_get_engagement_url`` then
        # gives no link, so the preview's buttons are inert.
        # In the owner's language, by the rule of the real mail (its ``lang``).
        lang = group[0][0]._origin._engagement_owner_lang(email=owner_email) or self.env.lang
        # ``_ids``, not ``ids``: the latter are the origins, the saved tickets.
        template = template.with_context(
            fusion_engagement_ticket_ids=list(previews._ids), lang=lang
        )
        res_id = previews[:1].id
        subject = template._render_field("subject", [res_id])[res_id]
        body = template._render_field("body_html", [res_id], options={"post_process": True})[res_id]
        note = False
        if len(owners) > 1:
            note = self.env._(
                "%(count)s emails will leave, one per owner; this is the one to %(owner)s "
                "(pick another owner above).",
                count=len(owners),
                owner=parseaddr(owner_email)[1] or owner_email,
            )
        # The very address the mail will go to (one address, name cleaned).
        to = previews[:1]._engagement_mail_recipient() or owner_email
        return {"subject": subject, "to": to, "body": body, "note": note}
