# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import hashlib
import secrets

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import consteq

from .. import intake

KEY_BYTES = 32
# The first characters of a key are its index: stored in clear to find the
# record, like res.users.apikeys. The rest (256 random bits) is only hashed.
KEY_INDEX_CHARS = 8


def hash_client_key(key):
    """SHA-256 of a client key: a key has 256 random bits, so a fast hash is as
    safe as a slow one and keeps every API request cheap."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_client_key():
    """Return a new random client key: an 8-character index and 256 bits, URL safe."""
    return secrets.token_urlsafe(6) + secrets.token_urlsafe(KEY_BYTES)


class FusionHelpdeskClientKey(models.Model):
    _name = "fusion.helpdesk.client.key"
    _description = "Fusion Helpdesk Client Key"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    key_index = fields.Char(
        copy=False,
        readonly=True,
        index="btree_not_null",
        groups="helpdesk_mgmt.group_helpdesk_manager",
        help="First characters of the key, stored in clear to find it.",
    )
    key_hash = fields.Char(
        copy=False,
        readonly=True,
        groups="base.group_system",
        help="SHA-256 of the whole key: the key itself is never stored.",
    )
    key_set = fields.Boolean(
        string="Has a Key",
        compute="_compute_key_set",
        store=True,
        help="A key was generated; it was shown once, when it was made.",
    )
    key_hint = fields.Char(
        string="Key",
        compute="_compute_key_hint",
        groups="helpdesk_mgmt.group_helpdesk_manager",
        help="The start of the key, to tell keys apart. The whole key is shown "
        "once, when it is generated.",
    )
    active = fields.Boolean(default=True, tracking=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Company",
        ondelete="restrict",
        tracking=True,
        domain=[("is_company", "=", True)],
        help="The client company: requesters are found among its contacts, or "
        "added to them; never taken from another customer.",
    )
    owner_email = fields.Char(
        tracking=True,
        help="Owner who approves engagements. Kept fresh by every ticket the client sends.",
    )
    owner_name = fields.Char(tracking=True)
    ticket_ids = fields.One2many(
        comodel_name="helpdesk.ticket", inverse_name="client_key_id", string="Tickets"
    )
    ticket_count = fields.Integer(compute="_compute_ticket_count")

    @api.depends("key_index")
    def _compute_key_set(self):
        for client_key in self:
            client_key.key_set = bool(client_key.sudo().key_index)

    @api.depends("key_index")
    def _compute_key_hint(self):
        for client_key in self:
            index = client_key.sudo().key_index
            client_key.key_hint = index + "\u2022" * 8 if index else False

    @api.depends("ticket_ids")
    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("client_key_id", "in", self.ids)],
                groupby=["client_key_id"],
                aggregates=["__count"],
            )
        )
        for client_key in self:
            client_key.ticket_count = counts.get(client_key, 0)

    @api.model_create_multi
    def create(self, vals_list):
        """Give every client without a company contact one of its own name."""
        for vals in vals_list:
            self._clean_owner_name(vals)
            if not vals.get("partner_id") and vals.get("name"):
                vals["partner_id"] = (
                    self.env["res.partner"]
                    .sudo()
                    .create(self._prepare_company_partner_values(vals["name"]))
                    .id
                )
        return super().create(vals_list)

    def write(self, vals):
        """Clean the owner's name, whoever writes it (form, RPC, the intake)."""
        return super().write(self._clean_owner_name(dict(vals)))

    @api.constrains("owner_email")
    def _check_owner_not_staff(self):
        """The owner decides for the client: never one of the provider's
        staff, who would approve their own work (same check as delegation)."""
        Engagement = self.env["fusion.helpdesk.engagement"]
        for client_key in self:
            if client_key.owner_email and Engagement._is_provider_staff_email(
                client_key.owner_email
            ):
                raise ValidationError(
                    self.env._(
                        "Owner Email: %(email)s belongs to our support team; the owner "
                        "of client %(client)s must be someone of the client's company.",
                        email=client_key.owner_email,
                        client=client_key.name,
                    )
                )

    @api.model
    def _clean_owner_name(self, vals):
        """Fold ``vals``' owner name with the names rule (``intake.clean_name``):
        it becomes the display name of every approval email's recipient, so it
        must never carry a line break or an address. Returns ``vals``."""
        if vals.get("owner_name"):
            vals["owner_name"] = intake.clean_name(vals["owner_name"]) or False
        return vals

    @api.model
    def _prepare_company_partner_values(self, name):
        """Values of the company contact created for a new client ``name``."""
        return {"name": name, "is_company": True}

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_generate_key(self):
        """Make the client's key and show it, once: only its hash is kept."""
        self.ensure_one()
        self.check_access("write")
        return self._action_open_key_dialog(self._generate_key())

    def action_regenerate_key(self):
        """Replace the key (the old one stops working at once) and show the new one."""
        return self.action_generate_key()

    def action_view_tickets(self):
        """Open the tickets this client sent."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id("helpdesk_mgmt.helpdesk_ticket_action")
        action.update(
            {
                "domain": [("client_key_id", "=", self.id)],
                "context": {"default_client_key_id": self.id},
                "name": self.env._("Tickets of %s", self.name),
            }
        )
        return action

    def _generate_key(self):
        """Give the client a new key and return its plaintext (to show once, or to
        a test); only its index and hash are stored, any previous key dies."""
        self.ensure_one()
        self.lock_for_update()
        had_key = self.key_set
        key = new_client_key()
        self.sudo().write({"key_index": key[:KEY_INDEX_CHARS], "key_hash": hash_client_key(key)})
        if had_key:
            text = self.env._(
                "Key regenerated by %s: the previous key no longer works.", self.env.user.name
            )
        else:
            text = self.env._("Key generated by %s.", self.env.user.name)
        self._message_log(body=Markup("<p>%s</p>") % text)
        return key

    def _action_open_key_dialog(self, key):
        """Dialog showing ``key`` with a copy button. The key travels in the
        action's context only: the dialog is closed unsaved and stores nothing."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Client Key"),
            "res_model": "fusion.helpdesk.client.key.reveal",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_client_key_id": self.id,
                "default_secret": key,
            },
        }

    @api.model
    def _find_by_key(self, key):
        """Return the active client key record matching ``key``, or an empty
        recordset. Found by its clear index, then its hash compared in constant time."""
        if not key or not isinstance(key, str) or len(key) <= KEY_INDEX_CHARS:
            return self.browse()
        digest = hash_client_key(key)
        candidates = self.sudo().search([("key_index", "=", key[:KEY_INDEX_CHARS])])
        for candidate in candidates:
            if consteq(candidate.key_hash or "", digest):
                return self.browse(candidate.id)
        return self.browse()

    # ------------------------------------------------------------------
    # Absence policy (defined by the policy API; see money24)
    # Written by PUT /fusion_helpdesk_central/api/v1/policy only; the
    # integrator keeps one definition of these four fields.
    # ------------------------------------------------------------------
    deputy_email = fields.Char(
        tracking=True,
        help="Who decides while the owner is away (or when a request waits too long).",
    )
    deputy_name = fields.Char(tracking=True)
    away_from = fields.Date(string="Owner Away From", tracking=True)
    away_until = fields.Date(
        string="Owner Away Until",
        tracking=True,
        help="Last day of the owner's absence; new requests go to the owner again the day after.",
    )
