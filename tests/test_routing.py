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


# -- the person decides too (ask-json.md) -----------------------------------------------

from directory.model import NamedUnit, Person  # noqa: E402


async def test_a_child_gets_child_services_where_adults_get_adult_services(service):
    d = await service.directory()
    adult = route(d, "hedersrelaterat-vald", "Mora", OFFICE)
    child = route(d, "hedersrelaterat-vald", "Mora", OFFICE, person=Person(age=15, group="barn"))
    assert kinds(adult)[0] == "socialtjanst-vuxen"
    assert kinds(child)[0] == "socialtjanst-barn" and "socialtjanst-vuxen" not in kinds(child)
    protect = route(d, "akut-skydd", "Falun", OFFICE, person=Person(group="barn",
                                                                   gender="kvinna"))
    assert kinds(protect)[0] == "socialtjanst-barn" and "kvinnojour" not in kinds(protect)


async def test_a_child_sold_for_sex_gets_child_services_and_barnahus(service):
    d = await service.directory()
    r = route(d, "manniskohandel-prostitution", "Borlänge", OFFICE, person=Person(group="barn"))
    assert kinds(r)[0] == "socialtjanst-barn" and "barnahus" in kinds(r)
    adult = route(d, "manniskohandel-prostitution", "Borlänge", OFFICE)
    assert kinds(adult)[0] == "regionkoordinator" and "barnahus" not in kinds(adult)


async def test_young_adults_are_not_sent_to_child_services(service):
    d = await service.directory()
    r = route(d, "unga-parrelationer", "Ludvika", OFFICE, person=Person(age=19, group="vuxen"))
    assert kinds(r)[0] == "socialtjanst-vuxen" and "socialtjanst-barn" not in kinds(r)


async def test_no_womens_service_in_a_mans_route(service):
    d = await service.directory()
    man = Person(group="vuxen", gender="man")
    for topic in ("vuxen-valdsutsatt", "akut-skydd", "sexuellt-vald", "unga-parrelationer"):
        for moment in (OFFICE, NIGHT):
            r = route(d, topic, "Falun", moment, person=man)
            assert not {"kvinnojour", "tjejjour", "kvinnoklinik"} & set(kinds(r)), topic
    raped = route(d, "sexuellt-vald", "Falun", OFFICE, person=man)
    assert kinds(raped)[0] == "akutmottagning"


async def test_older_people_get_elderly_care_beside_adult_services(service):
    d = await service.directory()
    r = route(d, "vuxen-valdsutsatt", "Leksand", OFFICE, person=Person(age=84, group="aldre"))
    k = kinds(r)
    assert k[0] == "socialtjanst-vuxen" and k[1] == "aldreomsorg"


async def test_the_one_who_uses_violence_gets_help_unless_a_child_is_harmed(service):
    d = await service.directory()
    alone = route(d, "valdsutovare", "Leksand", OFFICE, person=Person(uses_violence=True))
    assert kinds(alone)[0] == "valdsutovarbehandling"
    child = Person(uses_violence=True, child_harmed=True)
    assert kinds(route(d, "valdsutovare", "Leksand", OFFICE, person=child))[0] \
        == "socialtjanst-barn"
    assert kinds(route(d, "valdsutovare", "Leksand", NIGHT, person=child))[0] == "socialjour"


async def test_injuries_bring_the_childrens_medical_step(service):
    d = await service.directory()
    plain = route(d, "barn-utsatt-for-vald", "Ludvika", OFFICE)
    hurt = route(d, "barn-utsatt-for-vald", "Ludvika", OFFICE, said=frozenset({"skada"}))
    assert "barnmedicin" not in kinds(plain) and "barnmedicin" in kinds(hurt)
    assert kinds(hurt)[0] == "socialtjanst-barn"


async def test_the_nearest_unit_comes_first(service):
    d = await service.directory()
    r = route(d, "sexuellt-vald", "Mora", OFFICE)
    assert r.steps[0].role.id == "mora-lasarett-kvinnoklinik"  # Mora's before Falun's


async def test_a_unit_asked_for_comes_first_and_an_open_one_after_it_when_closed(service):
    d = await service.directory()
    r = route(d, "vuxen-valdsutsatt", "Falun", NIGHT, named=(NamedUnit("kvinnojour"),))
    assert r.steps[0].role.id == "kvinnojour-falun" and not r.steps[0].open_now
    assert r.steps[1].open_now
    bup = route(d, "barn-far-illa", "Falun", NIGHT, named=(NamedUnit("bup"),))
    assert bup.steps[0].role.id == "bup-falu" and bup.steps[1].role.id == "bup-jour-dalarna"
    bris = route(d, "barn-far-illa", None, OFFICE, named=(NamedUnit("stodlinje", "bris-116-111"),))
    assert bris.steps[0].role.id == "bris-116-111"
    mentioned = route(d, "vuxen-valdsutsatt", "Falun", OFFICE, named=(NamedUnit("kurator"),),
                      named_first=False)
    assert kinds(mentioned)[0] == "socialtjanst-vuxen" and "kurator" in kinds(mentioned)
