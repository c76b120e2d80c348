import datetime as dt

import pytest

from directory.hours import STOCKHOLM, Exception_, HoursError, Schedule, WeeklyHours, closed_days

OFFICE = WeeklyHours.parse({"mon-fri": "08:00-16:30"})


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_parse_and_canonical_spec_round_trip():
    weekly = WeeklyHours.parse({"mon-thu": "08:00-12:00, 13:00-16:30", "fri": "08:00-15:00"})
    assert weekly.to_spec() == {"mon-thu": "08:00-12:00, 13:00-16:30", "fri": "08:00-15:00"}
    assert WeeklyHours.parse(weekly.to_spec()) == weekly
    assert WeeklyHours.parse("dygnet-runt").to_spec() == "dygnet-runt"


@pytest.mark.parametrize("spec, fragment", [
    ({"mon": "16:30-08:00"}, "slutar innan den börjar"),
    ({"mon": "25:00-26:00"}, "klockslag"),
    ({"funday": "08:00-16:00"}, "ingen veckodag"),
    ({"mon": "08:00-12:00, 11:00-13:00"}, "överlappar"),
    ({"mon-fri": "08:00-16:00", "fri": "09:00-10:00"}, "mer än en gång"),
    ("always", "inga öppettider"),
])
def test_bad_hours_say_what_is_wrong(spec, fragment):
    with pytest.raises(HoursError, match=fragment):
        WeeklyHours.parse(spec)


def test_closed_days_include_holidays_and_the_three_eves_but_not_sundays():
    days = closed_days(2026)
    names = set(days.values())
    assert {"Julafton", "Juldagen", "Midsommarafton", "Nyårsafton", "Långfredagen"} <= names
    assert dt.date(2026, 12, 24) in days and dt.date(2026, 6, 19) in days
    assert dt.date(2026, 11, 22) not in days  # an ordinary Sunday
    assert "Påskafton" not in names  # not a closed eve for offices


def test_office_is_closed_on_holidays_and_eves():
    s = Schedule(OFFICE, "closed")
    assert s.is_open(at("2026-11-24T10:15:00+01:00"))
    assert not s.is_open(at("2026-12-24T10:00:00+01:00"))  # julafton, a Thursday
    assert not s.is_open(at("2026-06-19T10:00:00+02:00"))  # midsommarafton
    assert not s.is_open(at("2026-12-31T10:00:00+01:00"))  # nyårsafton


def test_next_opening_crosses_christmas_weekend():
    s = Schedule(OFFICE, "closed")
    # Juldagen (Fri) -> Annandag (Sat) -> Sun -> Monday 28th
    assert s.next_opening(at("2026-12-25T10:00:00+01:00")) == dt.datetime(
        2026, 12, 28, 8, 0, tzinfo=STOCKHOLM)
    assert s.next_opening(at("2026-11-24T23:30:00+01:00")).date() == dt.date(2026, 11, 25)


def test_holiday_follows_sunday_hours_for_duty_services():
    jour = WeeklyHours.parse({"mon-fri": "00:00-08:00, 16:30-24:00", "sat-sun": "00:00-24:00"})
    s = Schedule(jour, "sunday")
    assert s.is_open(at("2026-12-25T10:00:00+01:00"))
    assert not s.is_open(at("2026-11-24T10:00:00+01:00"))
    # open spell runs over midnight into Wednesday morning
    assert s.closes(at("2026-11-24T23:30:00+01:00")) == dt.datetime(
        2026, 11, 25, 8, 0, tzinfo=STOCKHOLM)


@pytest.mark.parametrize("moment, expected", [
    # Spring forward: 2026-03-29 02:00 -> 03:00. Monday after is normal wall-clock.
    ("2026-03-30T08:05:00+02:00", True),
    ("2026-03-30T07:55:00+02:00", False),
    ("2026-03-27T08:05:00+01:00", True),  # Friday before, winter time
    # Fall back: 2026-10-25 03:00 -> 02:00.
    ("2026-10-26T08:05:00+01:00", True),
    ("2026-10-26T07:55:00+01:00", False),
    ("2026-10-23T16:25:00+02:00", True),
    ("2026-10-23T16:35:00+02:00", False),
    # The same instant written in UTC is judged in Stockholm time.
    ("2026-10-26T07:05:00+00:00", True),
])
def test_daylight_saving_does_not_move_opening_hours(moment, expected):
    assert Schedule(OFFICE, "closed").is_open(at(moment)) is expected


def test_next_opening_across_spring_forward_is_wall_clock():
    s = Schedule(WeeklyHours.parse({"sun": "02:30-04:00", "mon": "08:00-09:00"}), "normal")
    # 02:30 does not exist on 2026-03-29; the next opening is still wall-clock 08:00 Monday
    nxt = s.next_opening(at("2026-03-29T04:30:00+02:00"))
    assert (nxt.hour, nxt.minute, nxt.utcoffset()) == (8, 0, dt.timedelta(hours=2))


def test_exceptions_override_week_and_holidays():
    s = Schedule(OFFICE, "closed", (
        Exception_.parse({"date": "2026-12-23", "hours": "08:00-12:00"}),
        Exception_.parse({"date": "2026-11-25", "closed": True, "note": "Planeringsdag"}),
    ))
    assert s.is_open(at("2026-12-23T11:00:00+01:00"))
    assert not s.is_open(at("2026-12-23T13:00:00+01:00"))
    assert not s.is_open(at("2026-11-25T10:00:00+01:00"))
    assert s.next_opening(at("2026-11-24T23:00:00+01:00")).date() == dt.date(2026, 11, 26)
