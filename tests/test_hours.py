"""Opening hours across Hessian holidays and closing times."""

from datetime import datetime

import pytest

from bot.hours import BERLIN, HoursError, check, state

OFFICE = "Mo,Tu,Fr 07:30-12:00; Th 13:00-18:00; PH off"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def test_open_until_the_closing_time() -> None:
    s = state(OFFICE, at("2026-06-01 11:59"))  # a Monday
    assert s.is_open is True and s.next_change == at("2026-06-01 12:00")


def test_closed_after_closing_time_opens_next_day() -> None:
    s = state(OFFICE, at("2026-06-01 12:00"))
    assert s.is_open is False and s.next_change == at("2026-06-02 07:30")


def test_fronleichnam_is_a_hessian_holiday() -> None:
    # 4 June 2026 is Corpus Christi: a holiday in Hessen, not in all of Germany.
    s = state(OFFICE, at("2026-06-04 14:00"))
    assert s.is_open is False and s.next_change == at("2026-06-05 07:30")


def test_christmas_closes_and_the_next_opening_skips_the_weekend() -> None:
    s = state(OFFICE, at("2026-12-24 18:30"))
    assert s.is_open is False and s.next_change == at("2026-12-28 07:30")


def test_holidays_of_next_year_are_known_at_new_year() -> None:
    s = state("Mo-Fr 08:00-16:00; PH off", at("2026-12-31 17:00"))
    assert s.next_change == at("2027-01-04 08:00")  # 1 Jan is a holiday, then the weekend


def test_ph_combined_with_weekdays_opens_on_holidays() -> None:
    s = state("Sa,PH 10:00-12:00", at("2026-06-04 11:00"))
    assert s.is_open is True


def test_always_open() -> None:
    assert state("24/7", at("2026-12-25 03:00")).is_open is True


def test_a_time_given_in_utc_is_read_in_berlin_time() -> None:
    utc = datetime.fromisoformat("2026-06-01T10:00:00+00:00")  # 12:00 in Berlin
    assert state(OFFICE, utc).is_open is False


@pytest.mark.parametrize(
    ("expr", "words"),
    [
        ("Mo-Fx 08:00-12:00", "not valid"),
        ("SH off", "school holidays"),
        ("", "non-empty"),
        ("Dec 24 PH off", "only understood"),
    ],
)
def test_bad_expressions_say_why(expr: str, words: str) -> None:
    with pytest.raises(HoursError, match=words):
        check(expr)
