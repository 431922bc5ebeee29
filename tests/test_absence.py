# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Layer 1: dates of the owner's absence and of escalation
(fusion_helpdesk_central/absence.py)."""

from datetime import date, datetime, timedelta

import pytest

from fusion_helpdesk_central.absence import business_days_before, is_away

MONDAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("today", "away_from", "away_until", "expected"),
    [
        (MONDAY, None, None, False),
        (MONDAY, None, MONDAY, False),
        (MONDAY, MONDAY, MONDAY, True),
        (MONDAY, MONDAY - timedelta(days=3), MONDAY + timedelta(days=3), True),
        (MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=3), False),
        (MONDAY, MONDAY - timedelta(days=3), MONDAY - timedelta(days=1), False),
        (MONDAY, MONDAY - timedelta(days=3), None, True),
    ],
)
def test_is_away(today, away_from, away_until, expected):
    assert is_away(today, away_from, away_until) is expected


@pytest.mark.parametrize(
    ("moment", "days", "expected"),
    [
        (MONDAY, 0, MONDAY),
        (MONDAY, -2, MONDAY),
        # Monday minus one business day is the Friday before.
        (MONDAY, 1, date(2026, 11, 27)),
        (date(2026, 12, 4), 4, MONDAY),
        (date(2026, 12, 4), 5, date(2026, 11, 27)),
        (MONDAY, 10, date(2026, 11, 16)),
        # A weekend counts from its Friday.
        (date(2026, 12, 6), 1, date(2026, 12, 3)),
        (date(2026, 12, 5), 5, date(2026, 11, 27)),
        (datetime(2026, 12, 2, 9, 30), 2, datetime(2026, 11, 30, 9, 30)),
        (datetime(2026, 12, 2, 9, 30), 3, datetime(2026, 11, 27, 9, 30)),
    ],
)
def test_business_days_before(moment, days, expected):
    result = business_days_before(moment, days)
    assert result == expected
    assert type(result) is type(moment)


def test_business_days_before_counts_only_weekdays():
    """Walking back day by day and counting weekdays gives the same answer."""
    start = date(2026, 12, 4)
    for days in range(1, 30):
        day, counted = start, 0
        while counted < days:
            day -= timedelta(days=1)
            if day.weekday() < 5:
                counted += 1
        assert business_days_before(start, days) == day
