"""Opening hours in Europe/Stockholm wall-clock time, Swedish holidays, closed eves and the
shortened days before a public holiday.

Hours are kept as wall-clock minutes per weekday, never as UTC offsets, so the
daylight-saving changes in March and October cannot move an opening time.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from directory.vocabulary import HolidayMode

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROUND_THE_CLOCK = "dygnet-runt"
# The eves that Swedish offices treat as closed days although they are not public holidays.
CLOSED_EVES = {"Julafton", "Midsommarafton", "Nyårsafton"}
# What the day before a public holiday is called, by the holiday's name in `holidays`;
# any other is "Dag före <holiday>".
EVE_NAMES = {"Trettondedag jul": "Trettondagsafton", "Långfredagen": "Skärtorsdagen",
             "Första maj": "Valborgsmässoafton", "Alla helgons dag": "Allhelgonaafton",
             "Kristi himmelsfärdsdag": "Dag före Kristi himmelsfärdsdag",
             "Nationaldagen": "Dag före nationaldagen"}
_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")

Interval = tuple[int, int]  # minutes from midnight, end exclusive, end <= 1440


class HoursError(ValueError):
    """Hours that cannot be understood; the message is Swedish, for the person who typed it."""


def _parse_intervals(text: str) -> tuple[Interval, ...]:
    text = str(text).strip()
    if text.lower() in ("stängt", "closed", ""):
        return ()
    out: list[Interval] = []
    for part in text.split(","):
        m = _INTERVAL.match(part.strip())
        if not m:
            raise HoursError(f"'{part.strip()}' är inte en tid som 08:00-16:30")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise HoursError(f"'{part.strip()}' innehåller en klockslag som inte finns")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end <= start:
            raise HoursError(
                f"'{part.strip()}' slutar innan den börjar; skriv tider över midnatt "
                "som två intervall, t.ex. 00:00-08:00, 16:30-24:00"
            )
        out.append((start, end))
    out.sort()
    for a, b in zip(out, out[1:], strict=False):
        if b[0] < a[1]:
            raise HoursError(f"intervallen i '{text}' överlappar")
    return tuple(out)


def _day_keys(key: str) -> list[int]:
    key = str(key).strip().lower()
    if "-" in key:
        first, _, last = key.partition("-")
        if first not in DAYS or last not in DAYS or DAYS.index(last) < DAYS.index(first):
            raise HoursError(f"'{key}' är inte ett dagintervall som mon-fri")
        return list(range(DAYS.index(first), DAYS.index(last) + 1))
    if key not in DAYS:
        raise HoursError(f"'{key}' är ingen veckodag (mon, tue, wed, thu, fri, sat, sun)")
    return [DAYS.index(key)]


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_intervals(intervals: tuple[Interval, ...]) -> str:
    return ", ".join(f"{_fmt(a)}-{_fmt(b)}" for a, b in intervals) or "stängt"


@dataclass(frozen=True)
class WeeklyHours:
    """Seven tuples of intervals, Monday first."""

    days: tuple[tuple[Interval, ...], ...] = ((),) * 7

    @classmethod
    def parse(cls, spec: object) -> WeeklyHours:
        """From the YAML form: 'dygnet-runt' or {day-or-range: '08:00-16:30, ...'}."""
        if spec is None:
            return cls()
        if isinstance(spec, str):
            if spec.strip().lower() == ROUND_THE_CLOCK:
                return cls((((0, 1440),),) * 7)
            raise HoursError(f"'{spec}' är inga öppettider; skriv t.ex. mon-fri: 08:00-16:30")
        if not isinstance(spec, dict):
            raise HoursError("öppettider ska vara 'dygnet-runt' eller dag: tid")
        days: list[tuple[Interval, ...] | None] = [None] * 7
        for key, value in spec.items():
            intervals = _parse_intervals(value)
            for d in _day_keys(key):
                if days[d] is not None:
                    raise HoursError(f"{DAYS[d]} anges mer än en gång")
                days[d] = intervals
        return cls(tuple(d or () for d in days))

    def to_spec(self) -> dict[str, str] | str:
        """The canonical YAML form: consecutive equal days folded into ranges."""
        if all(d == ((0, 1440),) for d in self.days):
            return ROUND_THE_CLOCK
        out: dict[str, str] = {}
        i = 0
        while i < 7:
            j = i
            while j + 1 < 7 and self.days[j + 1] == self.days[i]:
                j += 1
            if self.days[i]:
                key = DAYS[i] if i == j else f"{DAYS[i]}-{DAYS[j]}"
                out[key] = format_intervals(self.days[i])
            i = j + 1
        return out

    def is_empty(self) -> bool:
        return not any(self.days)


@dataclass(frozen=True)
class Exception_:
    """One dated exception: closed, or special hours that day."""

    date: dt.date
    intervals: tuple[Interval, ...]
    closed: bool
    note: str = ""

    @classmethod
    def parse(cls, item: object) -> Exception_:
        if not isinstance(item, dict) or "date" not in item:
            raise HoursError("ett undantag behöver ett datum (date: 2026-12-23)")
        date = parse_date(item["date"])
        closed = bool(item.get("closed", False))
        intervals = () if closed else _parse_intervals(item.get("hours", ""))
        if not closed and not intervals:
            raise HoursError(f"undantaget {date} behöver hours: eller closed: true")
        return cls(date, intervals, closed, str(item.get("note", "") or ""))

    def to_spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {"date": self.date.isoformat()}
        if self.closed:
            out["closed"] = True
        else:
            out["hours"] = format_intervals(self.intervals)
        if self.note:
            out["note"] = self.note
        return out


def parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise HoursError(f"'{value}' är inget datum som 2026-12-24") from None


RULES_FROM = 2005  # Sweden's holidays as they are since nationaldagen replaced annandag pingst


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian computus, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    g = (b - (b + 8) // 25 + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _saturday_from(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


def public_holidays(year: int) -> dict[dt.date, str]:
    """Sweden's public holidays of one year (Sundays as such not counted), named as the
    `holidays` package names them in Swedish. Computed here because importing that package
    loads the holidays of every country (a third of a second for a one-shot `kontaktvag
    ask`); tests/test_hours.py checks these rules against it year by year, and years before
    RULES_FROM are asked of it."""
    if year < RULES_FROM:
        import holidays  # noqa: PLC0415 - only for years the rules do not cover

        return dict(holidays.Sweden(years=year, include_sundays=False, language="sv").items())
    easter = _easter(year)
    days: dict[dt.date, str] = {}
    for day, name in ((dt.date(year, 1, 1), "Nyårsdagen"),
                      (dt.date(year, 1, 6), "Trettondedag jul"),
                      (easter - dt.timedelta(days=2), "Långfredagen"), (easter, "Påskdagen"),
                      (easter + dt.timedelta(days=1), "Annandag påsk"),
                      (dt.date(year, 5, 1), "Första maj"),
                      (easter + dt.timedelta(days=39), "Kristi himmelsfärdsdag"),
                      (dt.date(year, 6, 6), "Nationaldagen"),
                      (easter + dt.timedelta(days=49), "Pingstdagen"),
                      (_saturday_from(dt.date(year, 6, 20)), "Midsommardagen"),
                      (_saturday_from(dt.date(year, 10, 31)), "Alla helgons dag"),
                      (dt.date(year, 12, 25), "Juldagen"),
                      (dt.date(year, 12, 26), "Annandag jul")):
        days[day] = f"{days[day]}; {name}" if day in days else name  # as the package joins
    return dict(sorted(days.items()))


def closed_eves(year: int) -> dict[dt.date, str]:
    """Julafton, midsommarafton and nyårsafton of one year."""
    if year < RULES_FROM:
        import holidays  # noqa: PLC0415

        eves = holidays.Sweden(years=year, include_sundays=False, language="sv",
                               categories=("de_facto",))
        return {d: name for d, name in eves.items() if name in CLOSED_EVES}
    return {_saturday_from(dt.date(year, 6, 20)) - dt.timedelta(days=1): "Midsommarafton",
            dt.date(year, 12, 24): "Julafton", dt.date(year, 12, 31): "Nyårsafton"}


@functools.lru_cache(maxsize=64)
def closed_days(year: int) -> dict[dt.date, str]:
    """Public holidays and the closed eves of one year, with their Swedish names."""
    days = public_holidays(year)
    days.update(closed_eves(year))
    return days


def holiday_name(day: dt.date) -> str | None:
    return closed_days(day.year).get(day)


@functools.lru_cache(maxsize=64)
def eve_days(year: int) -> dict[dt.date, str]:
    """The days before a public holiday ("dag före helgdag") in one year, with their names.

    Counted: a Monday to Friday that is neither a public holiday nor a closed eve and whose
    next day is a public holiday (Sundays do not count as holidays here). That gives
    trettondagsafton, skärtorsdagen, valborgsmässoafton, the day before Kristi himmelsfärd,
    the day before nationaldagen and allhelgonaafton, in the years they fall on a weekday.
    Julafton, midsommarafton and nyårsafton are closed days, not shortened ones; the day
    before one of them is an ordinary day (write an exception where it is not).
    """
    out: dict[dt.date, str] = {}
    closed = closed_days(year) | closed_days(year + 1)
    public = public_holidays(year) | public_holidays(year + 1)
    for holiday, name in public.items():
        day = holiday - dt.timedelta(days=1)
        if day.year == year and day.weekday() < 5 and day not in closed:
            out[day] = EVE_NAMES.get(name, f"Dag före {name}")
    return dict(sorted(out.items()))


def eve_name(day: dt.date) -> str | None:
    """'Trettondagsafton' when `day` is a day before a public holiday, else None."""
    return eve_days(day.year).get(day)


def parse_eve_hours(value: object) -> tuple[Interval, ...] | None:
    """The `before_holidays` field: None (not set), () (closed) or intervals."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _parse_intervals(str(value))


@dataclass(frozen=True)
class Schedule:
    """A role's (or contact's) hours: weekly, holiday behaviour, the hours on a day before a
    public holiday, and dated exceptions.

    Precedence on a given day: a dated exception; then a public holiday or closed eve
    (`on_holidays`); then, on a day before a public holiday (`eve_days`) that the weekly
    hours keep open, `before_holidays` in place of that weekday's hours; else the week.
    """

    weekly: WeeklyHours
    on_holidays: str = HolidayMode.CLOSED.value
    exceptions: tuple[Exception_, ...] = field(default=())
    before_holidays: tuple[Interval, ...] | None = None

    def intervals_on(self, day: dt.date) -> tuple[Interval, ...]:
        for ex in self.exceptions:
            if ex.date == day:
                return () if ex.closed else ex.intervals
        if self.on_holidays != HolidayMode.NORMAL and holiday_name(day):
            return () if self.on_holidays == HolidayMode.CLOSED else self.weekly.days[6]
        usual = self.weekly.days[day.weekday()]
        if self.before_holidays is not None and usual and eve_name(day):
            return self.before_holidays
        return usual

    def is_open(self, at: dt.datetime) -> bool:
        local = at.astimezone(STOCKHOLM)
        minute = local.hour * 60 + local.minute
        return any(a <= minute < b for a, b in self.intervals_on(local.date()))

    def closes(self, at: dt.datetime) -> dt.datetime | None:
        """When the current open spell ends (following intervals that touch at midnight)."""
        local = at.astimezone(STOCKHOLM)
        day, minute = local.date(), local.hour * 60 + local.minute
        for _ in range(8):
            current = [iv for iv in self.intervals_on(day) if iv[0] <= minute < iv[1]]
            if not current:
                return None
            end = current[0][1]
            if end < 1440:
                return _wall(day, end)
            day, minute = day + dt.timedelta(days=1), 0
        return None  # open around the clock

    def next_opening(self, at: dt.datetime, horizon_days: int = 400) -> dt.datetime | None:
        """The next moment it opens after `at`, across weekends, holidays and exceptions."""
        local = at.astimezone(STOCKHOLM)
        day, minute = local.date(), local.hour * 60 + local.minute
        for offset in range(horizon_days):
            d = day + dt.timedelta(days=offset)
            for start, _end in self.intervals_on(d):
                if offset > 0 or start > minute:
                    return _wall(d, start)
        return None


def _wall(day: dt.date, minute: int) -> dt.datetime:
    """A wall-clock moment in Stockholm (24:00 is midnight of the next day)."""
    if minute >= 1440:
        day, minute = day + dt.timedelta(days=1), minute - 1440
    naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    return naive.replace(tzinfo=STOCKHOLM)

