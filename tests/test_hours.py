import datetime as dt

import pytest

from directory.hours import (
    STOCKHOLM,
    Exception_,
    HoursError,
    Schedule,
    WeeklyHours,
    closed_days,
    eve_days,
    eve_name,
)

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


# ---- the day before a public holiday ("dag före helgdag") ---------------------------------

OFFICE_EVE = Schedule(OFFICE, "closed", before_holidays=((8 * 60, 13 * 60),))
JOUR = WeeklyHours.parse({"mon-thu": "00:00-08:00, 16:30-24:00", "fri": "00:00-08:00, 16:00-24:00",
                          "sat-sun": "00:00-24:00"})
JOUR_EVE = Schedule(JOUR, "sunday", before_holidays=((0, 8 * 60), (13 * 60, 1440)))


def test_eve_days_are_the_weekdays_before_public_holidays():
    assert eve_days(2026) == {
        dt.date(2026, 1, 5): "Trettondagsafton",  # Monday
        dt.date(2026, 4, 2): "Skärtorsdagen",
        dt.date(2026, 4, 30): "Valborgsmässoafton",
        dt.date(2026, 5, 13): "Dag före Kristi himmelsfärdsdag",
        dt.date(2026, 6, 5): "Dag före nationaldagen",
        dt.date(2026, 10, 30): "Allhelgonaafton",
    }
    days = eve_days(2027)
    assert dt.date(2027, 1, 5) in days and dt.date(2027, 3, 25) in days  # Tue, skärtorsdag
    assert dt.date(2027, 4, 30) in days and dt.date(2027, 11, 5) in days  # Fri, Fri
    assert dt.date(2027, 6, 5) not in days  # a Saturday: no shortened day
    # Julafton, midsommarafton and nyårsafton are closed days, not eves; the day before
    # juldagen is julafton itself, and the day before julafton is an ordinary day.
    assert not {dt.date(2027, 12, 23), dt.date(2027, 12, 24), dt.date(2027, 12, 31),
                dt.date(2027, 6, 25)} & set(days)
    assert eve_name(dt.date(2027, 1, 5)) == "Trettondagsafton"
    assert eve_name(dt.date(2027, 1, 4)) is None


def test_offices_close_at_13_on_trettondagsafton_and_open_after_the_holiday():
    eve = at("2027-01-05T12:59:00+01:00")
    assert OFFICE_EVE.is_open(eve)
    assert OFFICE_EVE.closes(eve) == dt.datetime(2027, 1, 5, 13, 0, tzinfo=STOCKHOLM)
    assert not OFFICE_EVE.is_open(at("2027-01-05T14:00:00+01:00"))
    assert OFFICE_EVE.next_opening(at("2027-01-05T14:00:00+01:00")) == dt.datetime(
        2027, 1, 7, 8, 0, tzinfo=STOCKHOLM)
    # Without the rule the same office keeps its weekday hours.
    assert Schedule(OFFICE, "closed").is_open(at("2027-01-05T14:00:00+01:00"))
    # The duty service opens when the offices close.
    assert not JOUR_EVE.is_open(at("2027-01-05T12:30:00+01:00"))
    assert JOUR_EVE.is_open(at("2027-01-05T14:00:00+01:00"))
    assert JOUR_EVE.next_opening(at("2027-01-05T09:00:00+01:00")) == dt.datetime(
        2027, 1, 5, 13, 0, tzinfo=STOCKHOLM)


def test_eve_hours_hold_across_daylight_saving_time():
    # Skärtorsdagen 2027 (25 March) is in winter time; the office opens again on the
    # Tuesday after Easter, in summer time (the clocks went forward on 28 March).
    thursday = at("2027-03-25T12:00:00+01:00")
    assert OFFICE_EVE.closes(thursday).astimezone(dt.UTC) == dt.datetime(
        2027, 3, 25, 12, 0, tzinfo=dt.UTC)  # 13:00 CET
    reopens = OFFICE_EVE.next_opening(at("2027-03-25T13:30:00+01:00"))
    assert reopens == dt.datetime(2027, 3, 30, 8, 0, tzinfo=STOCKHOLM)
    assert reopens.utcoffset() == dt.timedelta(hours=2)
    # Valborgsmässoafton 2026 is in summer time: 13:00 is 11:00 UTC.
    valborg = at("2026-04-30T10:00:00+02:00")
    assert OFFICE_EVE.closes(valborg).astimezone(dt.UTC).hour == 11
    # Allhelgonaafton 2027 (5 November) is after the clocks went back on 31 October.
    allhelgona = OFFICE_EVE.closes(at("2027-11-05T09:00:00+01:00"))
    assert allhelgona.hour == 13 and allhelgona.utcoffset() == dt.timedelta(hours=1)
    assert not OFFICE_EVE.is_open(dt.datetime(2027, 11, 5, 12, 30, tzinfo=dt.UTC))  # 13:30


def test_eve_rule_keeps_closed_days_closed_and_yields_to_exceptions():
    tuesdays_only = Schedule(WeeklyHours.parse({"tue": "10:00-12:00"}), "closed",
                             before_holidays=((8 * 60, 13 * 60),))
    assert not tuesdays_only.is_open(at("2026-01-05T09:00:00+01:00"))  # a Monday eve
    assert tuesdays_only.intervals_on(dt.date(2027, 1, 5)) == ((480, 780),)  # a Tuesday eve
    with_exception = Schedule(OFFICE, "closed", (Exception_.parse(
        {"date": "2027-01-05", "hours": "08:00-15:00", "note": "Öppet längre"}),),
        before_holidays=((8 * 60, 13 * 60),))
    assert with_exception.is_open(at("2027-01-05T14:00:00+01:00"))
    closed_on_eves = Schedule(OFFICE, "closed", before_holidays=())
    assert not closed_on_eves.is_open(at("2027-01-05T10:00:00+01:00"))
    assert closed_on_eves.is_open(at("2027-01-04T10:00:00+01:00"))


def test_the_holiday_rules_name_the_days_the_holidays_package_does():
    import holidays

    from directory.hours import RULES_FROM, closed_eves, public_holidays

    for year in range(RULES_FROM, 2101):  # the package knows no later years
        public = holidays.Sweden(years=year, include_sundays=False, language="sv")
        assert public_holidays(year) == dict(public.items()), year
        eves = holidays.Sweden(years=year, include_sundays=False, language="sv",
                               categories=("de_facto",))
        assert closed_eves(year) == {d: n for d, n in eves.items()
                                     if n in ("Julafton", "Midsommarafton", "Nyårsafton")}, year
    assert public_holidays(1990) == dict(holidays.Sweden(years=1990, include_sundays=False,
                                                         language="sv").items())
