"""Formatting of amounts and dates the way each language writes them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from grants.errors import Lang

TORONTO = ZoneInfo("America/Toronto")
_MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
NBSP = "\u00a0"
NNBSP = "\u202f"


def format_money(cents: int, lang: Lang) -> str:
    """``12 500,00 $`` in French (narrow no-break spaces), ``$12,500.00`` in English."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    grouped = f"{dollars:,}"
    if lang == "fr":
        return f"{sign}{grouped.replace(',', NNBSP)},{rest:02d}{NBSP}$"
    return f"{sign}${grouped}.{rest:02d}"


def format_date(day: dt.date, lang: Lang) -> str:
    if lang == "fr":
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {_MONTHS_FR[day.month - 1]} {day.year}"
    return f"{_MONTHS_EN[day.month - 1]} {day.day}, {day.year}"


def format_datetime(moment: dt.datetime, lang: Lang, zone: dt.tzinfo = TORONTO) -> str:
    """A moment in the call's time zone: ``13 mars 2026 à 17 h 00`` / ``March 13, 2026 at 5:00 p.m.``."""
    local = moment.astimezone(zone)
    # Seconds only when they tell two moments apart (a submission one second late).
    if lang == "fr":
        seconds = f" min {local.second:02d} s" if local.second else ""
        return f"{format_date(local.date(), 'fr')} à {local.hour} h {local.minute:02d}{seconds}"
    hour = local.hour % 12 or 12
    suffix = "a.m." if local.hour < 12 else "p.m."
    seconds = f":{local.second:02d}" if local.second else ""
    return f"{format_date(local.date(), 'en')} at {hour}:{local.minute:02d}{seconds} {suffix}"
