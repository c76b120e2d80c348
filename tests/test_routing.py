"""Routes for (topic, municipality, moment) from the demo directory's data."""

import datetime as dt

from directory.routing import route

OFFICE = dt.datetime.fromisoformat("2026-11-24T10:15:00+01:00")
NIGHT = dt.datetime.fromisoformat("2026-11-24T23:30:00+01:00")
JULDAGEN = dt.datetime.fromisoformat("2026-12-25T10:00:00+01:00")


def kinds(r):
    return [s.role.kind for s in r.steps]


async def test_office_hours_go_to_the_municipality(service):
    d = await service.directory()
    r = route(d, "barn-far-illa", "Mora", OFFICE)
    assert kinds(r)[0] == "socialtjanst-barn"
    assert r.steps[0].role.id.startswith("mora-")
    assert "socialjour" not in kinds(r)  # after-hours step left out while the office is open


async def test_after_hours_urgent_topic_puts_the_open_duty_first(service):
    d = await service.directory()
    for moment in (NIGHT, JULDAGEN):
        r = route(d, "barn-far-illa", "Mora", moment)
        assert kinds(r)[0] == "socialjour" and r.steps[0].open_now
        office = next(s for s in r.steps if s.role.kind == "socialtjanst-barn")
        assert not office.open_now and office.opens is not None
    r = route(d, "barn-far-illa", "Mora", JULDAGEN)
    office = next(s for s in r.steps if s.role.kind == "socialtjanst-barn")
    assert office.opens.date() == dt.date(2026, 12, 28)


async def test_non_urgent_topic_keeps_its_office_role_first_when_closed(service):
    d = await service.directory()
    r = route(d, "konsultation", "Falun", NIGHT)
    assert r.steps and r.steps[0].role.kind == "kvinnofridssamordnare"
    assert not r.steps[0].open_now and r.steps[0].opens.date() == dt.date(2026, 11, 25)


async def test_immediate_danger_puts_112_first(service):
    d = await service.directory()
    r = route(d, "vuxen-valdsutsatt", "Falun", OFFICE, danger=True)
    assert kinds(r)[0] == "larmnummer"
    assert kinds(r).count("larmnummer") == 1


async def test_local_path_overrides_regional(service):
    d = await service.directory()
    local = [p for p in d.local_paths.values()]
    assert len({p.municipality for p in local}) >= 2
    for path in local:
        regional = d.regional_paths[path.topic]
        assert path.steps != regional.steps
        r = route(d, path.topic, path.municipality, OFFICE)
        assert r.local
        other = next(m for m in d.municipalities
                     if (path.topic, m) not in d.local_paths)
        assert not route(d, path.topic, other, OFFICE).local


async def test_regional_service_needs_no_municipality(service):
    d = await service.directory()
    r = route(d, "manniskohandel-prostitution", None, OFFICE)
    assert not r.needs_municipality and kinds(r)[0] == "regionkoordinator"
    r = route(d, "barn-far-illa", None, OFFICE)
    assert r.needs_municipality


async def test_every_topic_has_a_route_in_every_municipality_at_every_hour(service):
    d = await service.directory()
    for topic in d.topics:
        for m in d.municipalities:
            for moment in (OFFICE, NIGHT, JULDAGEN):
                assert route(d, topic, m, moment).steps, (topic, m, moment)
