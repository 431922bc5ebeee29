# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dates of the owner's absence and of escalation (no Odoo import).

Business days are Monday to Friday: escalation counts the days an owner
could have answered, not the weekend.
"""

from datetime import date, datetime, timedelta

# Monday is 0: Saturday and Sunday are not business days.
WEEKEND = (5, 6)


def is_away(today, away_from, away_until):
    """Whether ``today`` lies within ``away_from``..``away_until`` (both
    included; no end date: away until further notice). No start: not away."""
    if not away_from or today < away_from:
        return False
    return not away_until or today <= away_until


def business_days_before(moment, days):
    """The moment ``days`` business days before ``moment`` (a ``date`` or a
    ``datetime``, its time kept): weekends are skipped, a moment on a weekend
    counts from the Friday before. ``days`` <= 0 gives ``moment`` itself."""
    if days <= 0:
        return moment
    day = moment.date() if isinstance(moment, datetime) else moment
    while day.weekday() in WEEKEND:
        day -= timedelta(days=1)
    # Whole weeks first, then the days left, stepping over the weekend.
    weeks, rest = divmod(days, 5)
    day -= timedelta(weeks=weeks)
    while rest:
        day -= timedelta(days=1)
        if day.weekday() not in WEEKEND:
            rest -= 1
    if isinstance(moment, datetime):
        return datetime.combine(day, moment.time())
    return date(day.year, day.month, day.day)
