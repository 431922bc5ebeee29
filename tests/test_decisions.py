# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: the one vocabulary of decisions and states, and the client's
reading of it (the client is a separate package with its own copy of what the
feed carries)."""

from fusion_helpdesk import central_client
from fusion_helpdesk_central import decisions


def test_every_decision_leaves_a_round_state():
    round_states = [state for state, __ in decisions.ROUND_STATES]
    assert decisions.ENGAGEMENT_DECISIONS == ("approve", "reject", "changes", "delegate")
    assert {decisions.DECISION_STATES[verb] for verb in decisions.ENGAGEMENT_DECISIONS} <= set(
        round_states
    )
    assert decisions.ALL_PAGE_DECISIONS == ("approve", "reject", "changes")


def test_the_ticket_shows_every_state_a_latest_round_keeps():
    assert [state for state, __ in decisions.ENGAGEMENT_STATES] == [
        "none",
        "pending",
        "approved",
        "rejected",
        "changes_requested",
        "expired",
    ]
    labels = dict(decisions.ROUND_STATES)
    for state, label in decisions.ENGAGEMENT_STATES[1:]:
        assert labels[state] == label


def test_the_client_reads_the_states_central_sends():
    assert decisions.PUBLIC_DECISION_STATES == ("approved", "rejected", "changes_requested")
    assert central_client.DECISION_STATES == decisions.PUBLIC_DECISION_STATES
    assert central_client.ENGAGEMENT_STATES == tuple(
        state for state, __ in decisions.ENGAGEMENT_STATES
    )
