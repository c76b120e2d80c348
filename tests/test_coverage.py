"""The coverage sweep: every 15 minutes of a week, holidays and the days before them."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from directory.coverage import (
    NO_OPEN,
    SLOT_MINUTES,
    _judge,
    gaps_opened_by_path,
    gaps_opened_by_role,
    sentences,
    sweep,
    sweep_days,
)
from directory.hours import STOCKHOLM, Schedule, WeeklyHours
from directory.model import ContactPath, Step

TODAY = dt.date(2026, 11, 29)  # a Sunday


async def test_sweep_days_are_a_week_and_the_holidays_with_their_eves(service):
    d = await service.directory()
    days = sweep_days(d, TODAY)
    week = [x for x in days if x.kind == "week"]
    assert [x.label for x in week] == ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag",
                                       "Lördag", "Söndag"]
    assert [x.date.weekday() for x in week] == list(range(7))
    labels = {x.date: x.label for x in days}
    assert labels[dt.date(2026, 12, 24)] == "Julafton 24/12"
    assert labels[dt.date(2026, 12, 23)] == "Onsdag 23/12, dagen före julafton"
    assert labels[dt.date(2027, 6, 25)] == "Midsommarafton 25/6"
    assert dt.date(2027, 3, 26) in labels and dt.date(2027, 3, 25) in labels  # Långfredagen
    assert all(TODAY <= x.date <= TODAY + dt.timedelta(days=366) for x in days)


async def test_a_shorter_friday_opens_a_gap_in_words(service):
    d = await service.directory()
    role = d.roles["mora-socialtjanst-barn"]
    shorter = replace(role, schedule=replace(role.schedule, weekly=WeeklyHours.parse(
        {"mon-thu": "08:00-16:30", "fri": "08:00-15:00"})))
    gaps = gaps_opened_by_role(d, shorter, TODAY)
    said = sentences(gaps)
    assert said[0] == ("Fredag 15:00–16:00: ingen öppen väg för oro för att ett barn far "
                       "illa (orosanmälan) i Mora")
    assert all("15:00–16:00" in s for s in said)
    assert {g.municipality for g in gaps} == {"Mora"}
    # The days before holidays are swept too; this role has hours of its own for them
    # (before_holidays 08:00-13:00, issue 10), so a shorter Friday does not touch them ...
    assert not any(g.day.kind == "before-holiday" for g in gaps)
    # ... while shorter hours on those days open a gap on exactly those days.
    eve = replace(role, schedule=replace(role.schedule, before_holidays=((480, 720),)))
    eve_gaps = gaps_opened_by_role(d, eve, TODAY)
    assert eve_gaps and {g.day.kind for g in eve_gaps} == {"before-holiday"}
    assert "dagen före långfredagen 12:00–13:00: ingen öppen väg" in " ".join(
        sentences(eve_gaps))
    assert d.roles["mora-socialtjanst-barn"] is role  # the snapshot itself is untouched
    renamed = replace(role, name="Nytt namn")
    assert gaps_opened_by_role(d, renamed, TODAY) == []


async def test_a_closed_holiday_without_duty_is_a_gap(service):
    d = await service.directory()
    duty = d.roles["socialjour-dalarna"]
    no_holidays = replace(duty, schedule=Schedule(duty.schedule.weekly, "closed"))
    gaps = gaps_opened_by_role(d, no_holidays, TODAY)
    assert any(g.day.label.startswith("Juldagen") and g.problem == NO_OPEN for g in gaps)


async def test_the_sweep_agrees_with_routing_at_every_slot(service):
    """The sweep calls route() once per state of a municipality; at every slot of a day
    that must give what route() gives when asked at that very moment."""
    d = await service.directory()
    day = sweep_days(d, TODAY)[4]  # a Friday
    cov = sweep(d, TODAY, ["Mora", "Falun"], days=[day])
    for m in ("Mora", "Falun"):
        for topic in d.topics.values():
            gaps = cov.gaps(topic.slug, m)
            for slot in range(0, 24 * 60, SLOT_MINUTES):
                at = dt.datetime.combine(day.date, dt.time(*divmod(slot, 60)),
                                         tzinfo=STOCKHOLM)
                direct = _judge(d, topic.slug, m, at, topic.urgent, TODAY)
                swept = next((g.problem for g in gaps if g.start <= slot < g.end), None)
                assert swept == direct, (topic.slug, m, slot)


async def test_a_local_path_without_duty_opens_a_gap(service):
    d = await service.directory()
    regional = d.regional_paths["barn-far-illa"]
    office_only = ContactPath("barn-far-illa", "Mora", tuple(s for s in regional.steps
                                                      if s.when == "office"))
    gaps = gaps_opened_by_path(d, office_only, TODAY)
    said = sentences(gaps)
    assert any(s.startswith("Lördag, söndag hela dygnet: ingen öppen väg") for s in said)
    same = ContactPath("barn-far-illa", "Mora", regional.steps + (Step("always", "x",
                                                                   kind="polis"),))
    assert gaps_opened_by_path(d, same, TODAY) == []


async def test_coverage_is_cached_per_generation(service):
    first = await service.coverage(TODAY)
    assert await service.coverage(TODAY) is first
    role = (await service.directory()).roles["mora-socialtjanst-barn"]
    await service.store.save_role(replace(role, name="Ändrat"), "test")
    assert await service.coverage(TODAY) is not first
