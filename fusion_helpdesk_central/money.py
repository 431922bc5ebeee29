# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Money of an approval (see SPEC 19.0.4.0.0), free of Odoo imports.

The engineer's estimate (hours, amount), the client's standing policy as the
``PUT /api/v1/policy`` carries it (budget, deputy, absence), the budget
arithmetic and the digest sealing what the owner was shown. Every refusal is
an :class:`intake.IntakeError` naming the offending field (HTTP 400).
"""

import datetime
import hashlib
import json
import math
import re

from . import intake

# More hours than this in one request is a typing error, not an estimate.
MAX_ESTIMATE_HOURS = 1000.0
# A monthly budget or an amount above this is a typing error too.
MAX_AMOUNT = 1e9
CURRENCY_RE = re.compile(r"[A-Z]{3}")
POLICY_FIELDS = (
    "owner_email",
    "owner_name",
    "budget_monthly",
    "currency",
    "deputy_email",
    "deputy_name",
    "away_from",
    "away_until",
)


def check_number(name, value, maximum):
    """``value`` as a float in ``0..maximum``, else :class:`intake.IntakeError`."""
    if value is None or value is False or value == "":
        return 0.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise intake.IntakeError("Must be a number.", field=name)
    value = float(value)
    if not math.isfinite(value) or value < 0:
        raise intake.IntakeError("Must be zero or a positive number.", field=name)
    if value > maximum:
        raise intake.IntakeError("Must be at most %s." % format(maximum, "g"), field=name)
    return value


def check_estimate_hours(hours):
    """Hours of an estimate (0 = none): refused when negative or absurd."""
    return check_number("estimate_hours", hours, MAX_ESTIMATE_HOURS)


def estimate_amount(hours, hourly_rate):
    """The amount of ``hours`` at ``hourly_rate``, rounded to cents."""
    return round((hours or 0.0) * (hourly_rate or 0.0), 2)


def clean_person_field(name, value):
    """An owner's or deputy's email or name, by the intake's rules for the
    owner's (the names rule, a plain address); errors name ``name``."""
    try:
        return intake.clean_field(name.replace("deputy_", "owner_"), value)
    except intake.IntakeError as error:
        raise intake.IntakeError(error.message, field=name) from error


def parse_date(name, value):
    """An ISO date (``YYYY-MM-DD``) or None; anything else is refused."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise intake.IntakeError("Must be a date written YYYY-MM-DD.", field=name)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise intake.IntakeError("Must be a date written YYYY-MM-DD.", field=name) from error


def validate_policy_payload(data):
    """Check the JSON body of ``PUT /api/v1/policy``; return the clean policy.

    Unknown fields are refused (a typo must not silently keep an old value);
    a deputy equal to the owner, a malformed date or an absence ending before
    it starts is refused with the field.
    """
    if not isinstance(data, dict):
        raise intake.IntakeError("The body must be a JSON object.")
    unknown = sorted(set(data) - set(POLICY_FIELDS))
    if unknown:
        raise intake.IntakeError("Unknown field.", field=unknown[0])
    policy = {
        name: clean_person_field(name, data.get(name))
        for name in ("owner_email", "owner_name", "deputy_email", "deputy_name")
    }
    policy["budget_monthly"] = check_number(
        "budget_monthly", data.get("budget_monthly"), MAX_AMOUNT
    )
    currency = data.get("currency")
    if currency is None and not policy["budget_monthly"]:
        policy["currency"] = None
    elif not isinstance(currency, str) or not CURRENCY_RE.fullmatch(currency):
        raise intake.IntakeError("Must be an ISO 4217 code such as EUR.", field="currency")
    else:
        policy["currency"] = currency
    policy["away_from"] = parse_date("away_from", data.get("away_from"))
    policy["away_until"] = parse_date("away_until", data.get("away_until"))
    if policy["away_from"] and policy["away_until"] and policy["away_until"] < policy["away_from"]:
        raise intake.IntakeError("The absence cannot end before it starts.", field="away_until")
    if policy["deputy_email"] and policy["deputy_email"] == policy["owner_email"]:
        raise intake.IntakeError("The deputy must be someone else than the owner.", "deputy_email")
    return policy


def budget_left(budget, used):
    """What is left of ``budget`` once ``used`` is spent (never below 0)."""
    return max(round((budget or 0.0) - (used or 0.0), 2), 0.0)


def priced_at_rate(hours, amount, hourly_rate):
    """Whether ``amount`` is at least ``hours`` at the client's ``hourly_rate``:
    only such an estimate may be approved by the budget. An amount typed below
    the rate (999 hours for 0.01) or an estimate without a rate is the owner's
    to judge, never the budget's."""
    if not hourly_rate or hourly_rate <= 0 or not hours or hours <= 0:
        return False
    return (amount or 0.0) + 0.005 >= estimate_amount(hours, hourly_rate)


def fits_budget(amount, budget, used, same_currency):
    """Whether a request of ``amount`` is approved within the budget: a budget
    is set, the currencies agree, there is an amount, and it fits in what is left."""
    if not same_currency or not budget or not amount or amount <= 0:
        return False
    return amount <= budget_left(budget, used) + 0.005


def content_digest(number, summary, hours, amount, currency):
    """Hex SHA-256 of what the owner was shown, canonicalised: the ticket
    number, the summary (line ends folded, outer blanks stripped), hours and
    amount as fixed-point text, the currency code."""
    canonical = json.dumps(
        {
            "amount": "%.2f" % (amount or 0.0),
            "currency": currency or "",
            "hours": "%.2f" % (hours or 0.0),
            "number": number or "",
            "summary": (summary or "").replace("\r\n", "\n").replace("\r", "\n").strip(),
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
