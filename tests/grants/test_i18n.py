"""Amounts and dates as each language writes them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from grants.i18n import NBSP, NNBSP, TORONTO, format_date, format_datetime, format_money


@pytest.mark.parametrize(
    ("cents", "french", "english"),
    [
        (1_250_000, f"12{NNBSP}500,00{NBSP}$", "$12,500.00"),
        (1_250_050, f"12{NNBSP}500,50{NBSP}$", "$12,500.50"),
        (0, f"0,00{NBSP}$", "$0.00"),
        (7, f"0,07{NBSP}$", "$0.07"),
        (99_999, f"999,99{NBSP}$", "$999.99"),
        (123_456_789, f"1{NNBSP}234{NNBSP}567,89{NBSP}$", "$1,234,567.89"),
        (-150, f"-1,50{NBSP}$", "-$1.50"),
    ],
)
def test_format_money_each_language(cents: int, french: str, english: str) -> None:
    assert (format_money(cents, "fr"), format_money(cents, "en")) == (french, english)


@pytest.mark.parametrize(
    ("day", "french", "english"),
    [
        (dt.date(2026, 3, 1), "1er mars 2026", "March 1, 2026"),
        (dt.date(2026, 3, 13), "13 mars 2026", "March 13, 2026"),
        (dt.date(2026, 8, 2), "2 août 2026", "August 2, 2026"),
        (dt.date(2026, 12, 31), "31 décembre 2026", "December 31, 2026"),
        (dt.date(2027, 2, 1), "1er février 2027", "February 1, 2027"),
    ],
)
def test_format_date_each_language(day: dt.date, french: str, english: str) -> None:
    assert (format_date(day, "fr"), format_date(day, "en")) == (french, english)


def test_format_datetime_utc_moment_shown_in_toronto_time() -> None:
    moment = dt.datetime(2026, 3, 13, 21, 0, tzinfo=dt.UTC)

    shown = (format_datetime(moment, "fr"), format_datetime(moment, "en"))

    assert shown == ("13 mars 2026 à 17 h 00", "March 13, 2026 at 5:00 p.m.")


def test_format_datetime_winter_offset_applied() -> None:
    moment = dt.datetime(2026, 1, 12, 14, 5, tzinfo=dt.UTC)

    shown = (format_datetime(moment, "fr"), format_datetime(moment, "en"))

    assert shown == ("12 janvier 2026 à 9 h 05", "January 12, 2026 at 9:05 a.m.")


@pytest.mark.parametrize(
    ("hour", "french", "english"),
    [
        (0, "1er avril 2026 à 0 h 00", "April 1, 2026 at 12:00 a.m."),
        (11, "1er avril 2026 à 11 h 59", "April 1, 2026 at 11:59 a.m."),
        (12, "1er avril 2026 à 12 h 00", "April 1, 2026 at 12:00 p.m."),
        (23, "1er avril 2026 à 23 h 59", "April 1, 2026 at 11:59 p.m."),
    ],
)
def test_format_datetime_midnight_and_noon(hour: int, french: str, english: str) -> None:
    minute = 59 if hour in (11, 23) else 0
    moment = dt.datetime(2026, 4, 1, hour, minute, tzinfo=TORONTO)

    assert (format_datetime(moment, "fr"), format_datetime(moment, "en")) == (french, english)


def test_format_datetime_other_zone_given() -> None:
    moment = dt.datetime(2026, 3, 13, 21, 0, tzinfo=dt.UTC)

    shown = format_datetime(moment, "en", ZoneInfo("America/Winnipeg"))

    assert shown == "March 13, 2026 at 4:00 p.m."
