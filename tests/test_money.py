# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: estimates, the client's policy, the budget and the digest, without Odoo."""

import datetime

import pytest

from fusion_helpdesk_central import intake, money

GOOD = {
    "owner_email": "Owner@Acme.example.com",
    "owner_name": "Olive Owner",
    "budget_monthly": 1000,
    "currency": "EUR",
    "deputy_email": "deputy@acme.example.com",
    "deputy_name": "Dee Puty",
    "away_from": "2026-12-20",
    "away_until": "2027-01-04",
}


def refused_field(**changes):
    data = {**GOOD, **changes}
    with pytest.raises(intake.IntakeError) as caught:
        money.validate_policy_payload(data)
    assert caught.value.status == 400
    return caught.value.field


def test_a_good_policy_is_cleaned():
    policy = money.validate_policy_payload(GOOD)
    assert policy["owner_email"] == "owner@acme.example.com"
    assert policy["budget_monthly"] == 1000.0
    assert policy["away_from"] == datetime.date(2026, 12, 20)
    assert policy["away_until"] == datetime.date(2027, 1, 4)


def test_an_empty_policy_clears_everything():
    policy = money.validate_policy_payload({})
    assert policy == {
        "owner_email": None,
        "owner_name": None,
        "deputy_email": None,
        "deputy_name": None,
        "budget_monthly": 0.0,
        "currency": None,
        "away_from": None,
        "away_until": None,
    }


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"budget_monthly": -1}, "budget_monthly"),
        ({"budget_monthly": "100"}, "budget_monthly"),
        ({"budget_monthly": True}, "budget_monthly"),
        ({"budget_monthly": 1e12}, "budget_monthly"),
        ({"budget_monthly": float("nan")}, "budget_monthly"),
        ({"currency": "eur"}, "currency"),
        ({"currency": None}, "currency"),
        ({"away_from": "20/12/2026"}, "away_from"),
        ({"away_from": "2026-02-30"}, "away_from"),
        ({"away_until": 20261220}, "away_until"),
        ({"away_until": "2026-12-19"}, "away_until"),
        ({"deputy_email": "OWNER@acme.example.com"}, "deputy_email"),
        ({"deputy_email": "not an address"}, "deputy_email"),
        ({"budget": 5}, "budget"),
    ],
)
def test_bad_policies_are_refused_with_the_field(changes, field):
    assert refused_field(**changes) == field


def test_a_body_that_is_not_an_object_is_refused():
    with pytest.raises(intake.IntakeError):
        money.validate_policy_payload([GOOD])


@pytest.mark.parametrize("hours", [-1, 1000.5, "3", float("inf")])
def test_negative_or_absurd_hours_are_refused(hours):
    with pytest.raises(intake.IntakeError) as caught:
        money.check_estimate_hours(hours)
    assert caught.value.field == "estimate_hours"


def test_hours_and_amount():
    assert money.check_estimate_hours(None) == 0.0
    assert money.check_estimate_hours(2) == 2.0
    assert money.estimate_amount(2.5, 120) == 300.0
    assert money.estimate_amount(0, None) == 0.0


@pytest.mark.parametrize(
    "amount, budget, used, same, fits",
    [
        (300, 1000, 0, True, True),
        (300, 1000, 700, True, True),
        (300.01, 1000, 700, True, False),
        (300, 1000, 0, False, False),
        (300, 0, 0, True, False),
        (0, 1000, 0, True, False),
        (300, 1000, 1200, True, False),
    ],
)
def test_fits_budget(amount, budget, used, same, fits):
    assert money.fits_budget(amount, budget, used, same) is fits


def test_budget_left_never_negative():
    assert money.budget_left(1000, 300) == 700.0
    assert money.budget_left(1000, 1300) == 0.0
    assert money.budget_left(None, None) == 0.0


def test_content_digest_is_canonical_and_changes_with_any_part():
    digest = money.content_digest("HT001", "Replace\r\nthe disk ", 2, 300, "EUR")
    assert len(digest) == 64
    assert digest == money.content_digest("HT001", "Replace\nthe disk", 2.0, 300.0, "EUR")
    for other in (
        ("HT002", "Replace\nthe disk", 2, 300, "EUR"),
        ("HT001", "Replace the disk", 2, 300, "EUR"),
        ("HT001", "Replace\nthe disk", 3, 300, "EUR"),
        ("HT001", "Replace\nthe disk", 2, 301, "EUR"),
        ("HT001", "Replace\nthe disk", 2, 300, "USD"),
    ):
        assert money.content_digest(*other) != digest
    assert money.content_digest(None, None, None, None, None)


@pytest.mark.parametrize(
    ("hours", "amount", "rate", "expected"),
    [
        (3, 300.0, 100.0, True),  # the rate's own amount
        (3, 450.0, 100.0, True),  # typed above the rate
        (3, 299.99, 100.0, False),  # typed below the rate
        (999, 0.01, 100.0, False),  # attacker run F1: a cent for 999 hours
        (3, 300.0, 0.0, False),  # no rate: the owner judges the amount
        (0, 300.0, 100.0, False),  # no hours: nothing to price
        (3, None, 100.0, False),
    ],
)
def test_only_an_estimate_priced_at_the_rate_can_use_the_budget(hours, amount, rate, expected):
    assert money.priced_at_rate(hours, amount, rate) is expected
