# Copyright 2026 Fusion Helpdesk
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The owner's standing policy (SPEC 19.0.4.0.0): the monthly pre-approved
budget, the deputy and the owner's absence, set here and sent to central by
``PUT /api/v1/policy``. A refusal by central cancels the save (nothing
changes); central out of reach keeps the save and a pending flag the sync
cron retries with back-off until central has it."""

import datetime
import json
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from .. import central_client

_logger = logging.getLogger(__name__)

BUDGET_PARAM = "fusion_helpdesk.budget_monthly"
DEPUTY_EMAIL_PARAM = "fusion_helpdesk.deputy_email"
DEPUTY_NAME_PARAM = "fusion_helpdesk.deputy_name"
AWAY_FROM_PARAM = "fusion_helpdesk.owner_away_from"
AWAY_UNTIL_PARAM = "fusion_helpdesk.owner_away_until"
# Set while central does not have the saved policy yet; the sync cron retries.
POLICY_PENDING_PARAM = "fusion_helpdesk.policy_pending"
POLICY_ATTEMPTS_PARAM = "fusion_helpdesk.policy_attempts"
POLICY_RETRY_AT_PARAM = "fusion_helpdesk.policy_retry_at"
POLICY_ERROR_PARAM = "fusion_helpdesk.policy_error"
# Central's answer: how much of the budget this month's approvals used.
POLICY_STORED_PARAM = "fusion_helpdesk.policy_stored"
MAX_BUDGET = 1e9
# Back-off of the retries: 5 minutes, doubled each time, at most 6 hours.
RETRY_FIRST_MINUTES = 5
RETRY_MAX_MINUTES = 360
POLICY_FIELDS = {
    "fusion_helpdesk_budget_monthly",
    "fusion_helpdesk_deputy_email",
    "fusion_helpdesk_deputy_name",
    "fusion_helpdesk_owner_away_from",
    "fusion_helpdesk_owner_away_until",
    "fusion_helpdesk_owner_email",
    "fusion_helpdesk_owner_name",
}


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    fusion_helpdesk_budget_monthly = fields.Float(
        string="Pre-approved Budget per Month",
        config_parameter=BUDGET_PARAM,
        groups="base.group_system",
        help="Requests whose estimate fits in what is left of this amount this month "
        "(in the company's currency) are approved at once; 0 = every request goes to "
        "the owner.",
    )
    fusion_helpdesk_budget_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Budget Currency"
    )
    fusion_helpdesk_deputy_email = fields.Char(
        string="Deputy Email", config_parameter=DEPUTY_EMAIL_PARAM, groups="base.group_system"
    )
    fusion_helpdesk_deputy_name = fields.Char(
        string="Deputy Name", config_parameter=DEPUTY_NAME_PARAM, groups="base.group_system"
    )
    # Dates: res.config.settings stores no Date in a parameter; done by hand.
    fusion_helpdesk_owner_away_from = fields.Date(
        string="Owner Away From", groups="base.group_system"
    )
    fusion_helpdesk_owner_away_until = fields.Date(
        string="Owner Away Until", groups="base.group_system"
    )
    fusion_helpdesk_policy_status = fields.Char(
        string="Policy Status",
        compute="_compute_fusion_helpdesk_policy",
        groups="base.group_system",
    )
    fusion_helpdesk_budget_used_month = fields.Float(
        string="Budget Used This Month",
        compute="_compute_fusion_helpdesk_policy",
        groups="base.group_system",
    )

    @api.model
    def _fusion_helpdesk_admin_field_names(self):
        return super()._fusion_helpdesk_admin_field_names() | {
            "fusion_helpdesk_budget_monthly",
            "fusion_helpdesk_deputy_email",
            "fusion_helpdesk_deputy_name",
            "fusion_helpdesk_owner_away_from",
            "fusion_helpdesk_owner_away_until",
            "fusion_helpdesk_policy_status",
            "fusion_helpdesk_budget_used_month",
        }

    def _compute_fusion_helpdesk_policy(self):
        icp = self.env["ir.config_parameter"].sudo()
        stored = _json_param(icp.get_param(POLICY_STORED_PARAM))
        status = icp.get_param(POLICY_ERROR_PARAM) or False
        if not status and icp.get_param(POLICY_PENDING_PARAM):
            status = self.env._("Waiting to reach the support server.")
        for settings in self:
            settings.fusion_helpdesk_policy_status = status
            settings.fusion_helpdesk_budget_used_month = stored.get("budget_used_month") or 0.0

    @api.model
    def get_values(self):
        values = super().get_values()
        icp = self.env["ir.config_parameter"].sudo()
        values["fusion_helpdesk_owner_away_from"] = icp.get_param(AWAY_FROM_PARAM) or False
        values["fusion_helpdesk_owner_away_until"] = icp.get_param(AWAY_UNTIL_PARAM) or False
        return values

    def set_values(self):
        if not self.env.is_system():
            raise AccessError(self.env._("Only administrators can change the settings."))
        self._fusion_helpdesk_check_policy()
        icp = self.env["ir.config_parameter"].sudo()
        before = self._fusion_helpdesk_policy_payload()
        result = super().set_values()
        for settings in self:
            icp.set_param(
                AWAY_FROM_PARAM, fields.Date.to_string(settings.fusion_helpdesk_owner_away_from)
            )
            icp.set_param(
                AWAY_UNTIL_PARAM, fields.Date.to_string(settings.fusion_helpdesk_owner_away_until)
            )
        if self._fusion_helpdesk_policy_payload() != before or icp.get_param(POLICY_PENDING_PARAM):
            icp.set_param(POLICY_PENDING_PARAM, "1")
            icp.set_param(POLICY_ATTEMPTS_PARAM, False)
            icp.set_param(POLICY_RETRY_AT_PARAM, False)
            self._fusion_helpdesk_push_policy(raise_refusal=True)
        return result

    def _fusion_helpdesk_check_policy(self):
        """Refuse (ValidationError) what central would refuse, before saving."""
        for settings in self:
            budget = settings.fusion_helpdesk_budget_monthly or 0.0
            if budget < 0 or budget > MAX_BUDGET:
                raise ValidationError(
                    self.env._("The pre-approved budget must be between 0 and 1,000,000,000.")
                )
            deputy = (settings.fusion_helpdesk_deputy_email or "").strip().lower()
            if deputy and not central_client.is_valid_email(deputy):
                raise ValidationError(
                    self.env._("The deputy email “%s” is not a valid email address.", deputy)
                )
            owner = (settings.fusion_helpdesk_owner_email or "").strip().lower()
            if deputy and deputy == owner:
                raise ValidationError(self.env._("The deputy must be someone else than the owner."))
            name = settings.fusion_helpdesk_deputy_name
            if name:
                settings.fusion_helpdesk_deputy_name = central_client.clean_name(name) or False
            start = settings.fusion_helpdesk_owner_away_from
            end = settings.fusion_helpdesk_owner_away_until
            if start and end and end < start:
                raise ValidationError(
                    self.env._("The owner's absence cannot end before it starts.")
                )

    @api.model
    def _fusion_helpdesk_policy_payload(self):
        """The JSON body of ``PUT /api/v1/policy``, from the saved parameters."""
        icp = self.env["ir.config_parameter"].sudo()
        try:
            budget = float(icp.get_param(BUDGET_PARAM) or 0.0)
        except ValueError:
            budget = 0.0
        return {
            "owner_email": icp.get_param("fusion_helpdesk.owner_email") or None,
            "owner_name": icp.get_param("fusion_helpdesk.owner_name") or None,
            "budget_monthly": budget,
            "currency": self.env.company.currency_id.name,
            "deputy_email": icp.get_param(DEPUTY_EMAIL_PARAM) or None,
            "deputy_name": icp.get_param(DEPUTY_NAME_PARAM) or None,
            "away_from": icp.get_param(AWAY_FROM_PARAM) or None,
            "away_until": icp.get_param(AWAY_UNTIL_PARAM) or None,
        }

    @api.model
    def _fusion_helpdesk_push_policy(self, raise_refusal=False):
        """Send the saved policy to central; return True once central has it.

        A refusal (4xx with a field) raises a ValidationError when
        ``raise_refusal`` (the Settings save: nothing is saved), else is kept as
        the status shown in Settings; anything transient leaves the policy
        pending and schedules the next try (back-off)."""
        icp = self.env["ir.config_parameter"].sudo()
        tickets = self.env["fusion.helpdesk.ticket"]
        url, key = tickets._central_connection()
        try:
            stored = central_client.put_policy(url, key, self._fusion_helpdesk_policy_payload())
        except central_client.CentralRefused as error:
            message = tickets._central_error_message(error)
            if error.status == 400:
                # The policy itself is wrong (a field): sending it again cannot help.
                if raise_refusal:
                    raise ValidationError(
                        self.env._("The support server refused the policy: %s", message)
                    ) from error
                icp.set_param(POLICY_ERROR_PARAM, message)
                icp.set_param(POLICY_PENDING_PARAM, False)
                return False
            # A key or URL still to fix (401, 404, 429): kept and retried.
            return self._fusion_helpdesk_policy_retry_later(error)
        except central_client.CentralError as error:
            return self._fusion_helpdesk_policy_retry_later(error)
        icp.set_param(POLICY_STORED_PARAM, json.dumps(stored))
        for param in (
            POLICY_PENDING_PARAM,
            POLICY_ATTEMPTS_PARAM,
            POLICY_RETRY_AT_PARAM,
            POLICY_ERROR_PARAM,
        ):
            icp.set_param(param, False)
        return True

    @api.model
    def _fusion_helpdesk_policy_retry_later(self, error):
        """Keep the policy pending, say why in Settings and when the sync cron
        tries again (5 minutes, doubled each try, at most 6 hours)."""
        _logger.info("Fusion Helpdesk policy not sent yet: %s", error)
        icp = self.env["ir.config_parameter"].sudo()
        attempts = int(icp.get_param(POLICY_ATTEMPTS_PARAM) or 0) + 1
        delay = min(RETRY_FIRST_MINUTES * 2 ** (attempts - 1), RETRY_MAX_MINUTES)
        retry_at = fields.Datetime.now() + datetime.timedelta(minutes=delay)
        icp.set_param(POLICY_PENDING_PARAM, "1")
        icp.set_param(POLICY_ATTEMPTS_PARAM, attempts)
        icp.set_param(POLICY_RETRY_AT_PARAM, fields.Datetime.to_string(retry_at))
        icp.set_param(
            POLICY_ERROR_PARAM,
            self.env._(
                "Not sent yet (%(reason)s); retried automatically from %(when)s UTC.",
                reason=self.env["fusion.helpdesk.ticket"]._central_error_message(error),
                when=fields.Datetime.to_string(retry_at),
            ),
        )
        return False

    @api.model
    def _fusion_helpdesk_retry_policy(self):
        """Send a pending policy once its back-off has passed (the sync cron)."""
        icp = self.env["ir.config_parameter"].sudo()
        if not icp.get_param(POLICY_PENDING_PARAM):
            return False
        retry_at = icp.get_param(POLICY_RETRY_AT_PARAM)
        if retry_at and fields.Datetime.from_string(retry_at) > fields.Datetime.now():
            return False
        return self._fusion_helpdesk_push_policy()

    @api.model
    def _fusion_helpdesk_refresh_policy(self):
        """Keep this month's use of the budget fresh in Settings (the sync
        cron, when a budget is set and nothing is pending); errors wait for
        the next run."""
        icp = self.env["ir.config_parameter"].sudo()
        if icp.get_param(POLICY_PENDING_PARAM) or not float(icp.get_param(BUDGET_PARAM) or 0):
            return False
        url, key = self.env["fusion.helpdesk.ticket"]._central_connection()
        try:
            stored = central_client.get_policy(url, key)
        except central_client.CentralError as error:
            _logger.info("Fusion Helpdesk policy not refreshed: %s", error)
            return False
        icp.set_param(POLICY_STORED_PARAM, json.dumps(stored))
        return True


def _json_param(value):
    """A JSON object kept in a parameter, or ``{}``."""
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
