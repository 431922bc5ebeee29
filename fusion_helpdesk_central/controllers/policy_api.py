# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's standing policy (budget, deputy, absence): SPEC 19.0.4.0.0."""

from odoo import http

from .. import intake, money
from .api import FusionHelpdeskApi, client_api


class FusionHelpdeskPolicyApi(FusionHelpdeskApi):
    """``PUT /api/v1/policy``: the same skeleton as the other API routes."""

    @http.route(
        "/fusion_helpdesk_central/api/v1/policy",
        type="http",
        auth="public",
        methods=["PUT"],
        csrf=False,
        save_session=False,
    )
    @client_api(reads_body=True)
    def put_policy(self, client_key, body, /, **kwargs):
        """Store the client's policy on its key: 200 with the policy as stored."""
        policy = money.validate_policy_payload(intake.parse_json(body))
        values = client_key._api_set_policy(policy)
        return self._json_response(values)

    @http.route(
        "/fusion_helpdesk_central/api/v1/policy",
        type="http",
        auth="public",
        methods=["GET"],
        save_session=False,
        readonly=True,
    )
    @client_api()
    def get_policy(self, client_key, /, **kwargs):
        """The client's policy as stored, with this month's use of the budget."""
        return self._json_response(client_key._api_policy_values())
