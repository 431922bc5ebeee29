# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The words of an approval request (an engagement), defined once.

The owner's decisions (the verbs of the public page), the states they leave a
round in, the ticket's ``engagement_state`` and the decisions the client sees.
The models, the controller and the wizard import these; nothing repeats them.
No Odoo import.
"""

# Decision of the public page -> the state it leaves the round in.
DECISION_STATES = {
    "approve": "approved",
    "reject": "rejected",
    "changes": "changes_requested",
    "delegate": "delegated",
}
# The verbs of the public page (``/fusion_helpdesk/engagement/<token>/<verb>``).
ENGAGEMENT_DECISIONS = tuple(DECISION_STATES)
# Passing a request on is one at a time: the page listing every pending
# request of an owner takes the other answers.
ALL_PAGE_DECISIONS = tuple(verb for verb in ENGAGEMENT_DECISIONS if verb != "delegate")

# ``fusion.helpdesk.engagement.state``.
ROUND_STATES = [
    ("pending", "Pending"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
    ("changes_requested", "Changes Requested"),
    ("expired", "Expired"),
    ("superseded", "Superseded"),
    ("delegated", "Delegated"),
]
# States a ticket's latest round never stays in: a newer round replaces it.
REPLACED_STATES = ("superseded", "delegated")
# ``helpdesk.ticket.engagement_state``: its latest round's state, or none.
ENGAGEMENT_STATES = [
    ("none", "Not Engaged"),
    *((state, label) for state, label in ROUND_STATES if state not in REPLACED_STATES),
]
# Decisions the client's employees see on their ticket (a public comment),
# and the client's feed carries.
PUBLIC_DECISION_STATES = tuple(DECISION_STATES[verb] for verb in ALL_PAGE_DECISIONS)
