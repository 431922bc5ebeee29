# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's price and standing policy on its key (SPEC 19.0.4.0.0).

``hourly_rate`` is the provider's. The policy (budget, deputy, absence) is the
client's: only ``PUT /api/v1/policy`` writes it, through ``_api_set_policy``.
The guard is not a context key (any JSON-RPC caller can send a context): the
write must carry :data:`_POLICY_WRITER`, a Python object no request can build.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .. import intake

# Only ``_api_set_policy`` holds it; JSON cannot make this object.
_POLICY_WRITER = object()
POLICY_WRITER_CONTEXT = "fusion_helpdesk_policy_writer"
POLICY_FNAMES = frozenset(
    {
        "budget_monthly",
        "budget_currency_id",
        "deputy_email",
        "deputy_name",
        "away_from",
        "away_until",
        "budget_checked_at",
    }
)


class FusionHelpdeskClientKey(models.Model):
    _inherit = "fusion.helpdesk.client.key"

    currency_id = fields.Many2one(
        comodel_name="res.currency",
        string="Rate Currency",
        default=lambda self: self.env.company.currency_id,
        tracking=True,
        help="Currency of the hourly rate and of the estimates of this client's requests.",
    )
    hourly_rate = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        help="Price of one hour of work for this client: an estimate's amount is its "
        "hours times this rate, unless the engineer types another.",
    )
    budget_monthly = fields.Monetary(
        string="Pre-approved Budget per Month",
        copy=False,
        currency_field="budget_currency_id",
        readonly=True,
        tracking=True,
        help="Set by the client in its own Settings: a request whose estimate fits in "
        "what is left of it this month is approved at once. Nobody here can change it.",
    )
    budget_currency_id = fields.Many2one(
        comodel_name="res.currency",
        readonly=True,
        copy=False,
        tracking=True,
    )
    budget_used_month = fields.Monetary(
        string="Budget Used This Month",
        currency_field="budget_currency_id",
        compute="_compute_budget_used_month",
        help="Estimated amounts of this client's requests approved this calendar month.",
    )
    # Touched by every within-budget check (SQL, see helpdesk_ticket_budget.py):
    # two sends against one budget serialise on this row.
    budget_checked_at = fields.Datetime(readonly=True, copy=False)
    deputy_email = fields.Char(
        readonly=True,
        copy=False,
        tracking=True,
        help="Who decides while the owner is away (or when a request waits too long).",
    )
    deputy_name = fields.Char(readonly=True, copy=False, tracking=True)
    away_from = fields.Date(string="Owner Away From", readonly=True, copy=False, tracking=True)
    away_until = fields.Date(
        string="Owner Away Until",
        readonly=True,
        copy=False,
        tracking=True,
        help="Last day of the owner's absence; new requests go to the owner again the day after.",
    )

    def _compute_budget_used_month(self):
        for client_key in self:
            client_key.budget_used_month = client_key._budget_used_month()

    def _budget_used_month(self):
        """Approved estimate amounts of this key's rounds decided this calendar
        month, in the budget's currency (other currencies never count)."""
        self.ensure_one()
        if not self.id or not self.budget_currency_id:
            return 0.0
        month_start = fields.Date.today().replace(day=1)
        self.env["fusion.helpdesk.engagement"].flush_model(
            ["client_key_id", "state", "decided_at", "estimate_amount", "currency_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(SUM(estimate_amount), 0)
                  FROM fusion_helpdesk_engagement
                 WHERE client_key_id = %s AND state = 'approved'
                   AND currency_id = %s AND decided_at >= %s
                """,
                self.id,
                self.budget_currency_id.id,
                month_start,
            )
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    # The guard: the policy is written by the API only
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_policy_writer(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_policy_writer(vals)
        return super().write(vals)

    @api.model
    def _check_policy_writer(self, vals):
        """Refuse any policy field unless the write comes from ``_api_set_policy``
        (administrators and superuser included: the provider must not raise its
        own client's budget)."""
        touched = POLICY_FNAMES.intersection(vals)
        if touched and self.env.context.get(POLICY_WRITER_CONTEXT) is not _POLICY_WRITER:
            raise AccessError(
                self.env._(
                    "%s: the client sets its policy in its own Settings; nobody here "
                    "can change it.",
                    ", ".join(sorted(touched)),
                )
            )

    # ------------------------------------------------------------------
    # API
    # ------------------------------------------------------------------
    def _api_set_policy(self, policy):
        """Store the policy validated by ``money.validate_policy_payload`` on this
        key (tracked), refusing a currency unknown here or a deputy of the
        provider's staff (``intake.IntakeError`` with the field, nothing
        changed); return ``_api_policy_values``."""
        self.ensure_one()
        currency = self.env["res.currency"]
        if policy["currency"]:
            currency = (
                self.env["res.currency"]
                .sudo()
                .with_context(active_test=False)
                .search([("name", "=", policy["currency"])], limit=1)
            )
            if not currency:
                raise intake.IntakeError("Unknown currency.", field="currency")
        Engagement = self.env["fusion.helpdesk.engagement"]
        for fname in ("owner_email", "deputy_email"):
            if policy[fname] and Engagement._is_provider_staff_email(policy[fname]):
                raise intake.IntakeError(
                    "This address belongs to the provider's staff.", field=fname
                )
        owner_email = policy["owner_email"] or self.sudo().owner_email
        if policy["deputy_email"] and (
            Engagement._staff_email_candidates(policy["deputy_email"])
            & Engagement._staff_email_candidates(owner_email)
        ):
            # Compared with the owner as stored too (the body may name none),
            # and as the mailbox goes (case, +tag).
            raise intake.IntakeError("The deputy cannot be the owner.", field="deputy_email")
        vals = {
            "budget_monthly": policy["budget_monthly"],
            "budget_currency_id": currency.id,
            "deputy_email": policy["deputy_email"] or False,
            "deputy_name": policy["deputy_name"] or False,
            "away_from": policy["away_from"] or False,
            "away_until": policy["away_until"] or False,
        }
        if policy["owner_email"]:
            vals["owner_email"] = policy["owner_email"]
            vals["owner_name"] = policy["owner_name"] or False
        previous_email, previous_name = self.sudo().owner_email, self.sudo().owner_name
        self.sudo().with_context(**{POLICY_WRITER_CONTEXT: _POLICY_WRITER}).write(vals)
        if previous_email and self.sudo().owner_email != previous_email:
            # As when a new ticket brings another owner: the engineers of the
            # requests still waiting for the previous one decide whether to re-send.
            self._intake_note_owner_change(previous_name or previous_email, previous_email)
        return self._api_policy_values()

    def _api_policy_values(self):
        """The policy as stored: the body of the API's answer."""
        self.ensure_one()
        key = self.sudo()
        return {
            "owner_email": key.owner_email or None,
            "owner_name": key.owner_name or None,
            "budget_monthly": key.budget_monthly,
            "currency": key.budget_currency_id.name or None,
            "budget_used_month": key._budget_used_month(),
            "deputy_email": key.deputy_email or None,
            "deputy_name": key.deputy_name or None,
            "away_from": fields.Date.to_string(key.away_from) or None,
            "away_until": fields.Date.to_string(key.away_until) or None,
        }
