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
    # the harmed child's steps follow the report: Barnahus, and with injuries ("for:
    # barn-drabbat+skada", both at once) the children's medical step; neither for an adult
    plain = kinds(route(d, "valdsutovare", "Leksand", OFFICE, person=child))
    hurt = kinds(route(d, "valdsutovare", "Leksand", OFFICE, person=child,
                       said=frozenset({"skada"})))
    assert "barnahus" in plain and "barnmedicin" not in plain
    assert hurt.index("barnmedicin") < hurt.index("valdsutovarbehandling")
    adult_hurt = kinds(route(d, "valdsutovare", "Leksand", OFFICE,
                             person=Person(uses_violence=True), said=frozenset({"skada"})))
    assert not {"barnahus", "barnmedicin"} & set(adult_hurt)


async def test_a_childs_after_hours_duty_stands_in_though_a_national_line_is_open(service):
    """After 13:00 on a day before a holiday the children's unit is closed while the
    national line for the one who uses violence is still open: the duty that takes the
    report about the child comes first all the same (an `after` step is for its own
    people's closed offices)."""
    d = await service.directory()
    eve = dt.datetime.fromisoformat("2027-11-05T14:30:00+01:00")  # allhelgonaafton
    child = Person(uses_violence=True, child_harmed=True)
    r = route(d, "valdsutovare", "Vansbro", eve, person=child)
    assert any(s.role.kind == "valdsutovarbehandling" and s.open_now for s in r.steps)
    assert kinds(r)[0] == "socialjour" and r.steps[0].open_now
    alone = route(d, "valdsutovare", "Vansbro", eve, person=Person(uses_violence=True))
    assert "socialjour" not in kinds(alone)[:1]


async def test_no_child_is_harmed_where_the_question_says_there_are_none(service):
    """"De har inga barn": a negated child is neither a concept nor a person."""
    person = (await service.understander()).understand(
        "klienten har slagit sin sambo och vill sluta, de har inga barn, Leksand").person
    assert person.uses_violence and not person.child_harmed


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


# -- whether the first step depends on the municipality, without routing each one ------

import dataclasses  # noqa: E402
import random  # noqa: E402

from directory.hours import Schedule, WeeklyHours  # noqa: E402
from directory.model import ContactPath, Step  # noqa: E402
from directory.routing import ANSWER_CAP, first_differs  # noqa: E402

EVENINGS = Schedule(WeeklyHours.parse({"mon-sun": "16:00-22:00"}), on_holidays="normal")


def _grown(d):
    """The demo directory with six more municipalities that hold the hard cases: many
    roles of a kind, roles only for some people, a temporarily closed one, an office open
    in the evening, no roles at all, a municipality's own duty, a local path naming a
    role beside its own kind (so that a role could come from two steps)."""
    extra = tuple(f"Provkommun {c}" for c in "ABCDEF")
    municipalities = d.municipalities + extra
    roles, areas = dict(d.roles), {k: set(v) for k, v in d.areas.items()}
    for area in areas.values():
        if set(d.municipalities) <= area:
            area.update(extra)
    office = d.roles["mora-socialtjanst-barn"]
    duty = d.roles["socialjour-dalarna"]

    def add(role_id, template, where, **changes):
        roles[role_id] = dataclasses.replace(template, id=role_id, **changes)
        areas[role_id] = set(where)

    for i in range(5):
        for kind in ("socialtjanst-barn", "socialtjanst-vuxen"):
            add(f"a-{kind}-{i}", office, ["Provkommun A"], kind=kind,
                groups=("barn",) if i == 1 else (), genders=("kvinna",) if i == 2 else (),
                status="tillfalligt-stangd" if i == 3 else "aktiv",
                schedule=EVENINGS if i == 4 else office.schedule)
    add("c-socialjour", duty, ["Provkommun C"])
    add("e-socialtjanst-barn", office, ["Provkommun E", "Provkommun F"],
        schedule=EVENINGS)
    add("f-socialtjanst-barn", office, ["Provkommun F"])
    closed = dict(kind="provtyp", status="tillfalligt-stangd")
    add("prov-1", office, municipalities, **closed)  # two closed units serving everyone
    add("prov-2", office, municipalities, **closed)
    regional = dict(d.regional_paths)
    regional["prov"] = ContactPath("prov", None, (Step("office", "Prov.", kind="provtyp"),))
    local = dict(d.local_paths)
    local[("prov", "Provkommun B")] = ContactPath("prov", "Provkommun B", (
        Step("office", "Prov.", kind="provtyp"), Step("after", "Igen.", role="prov-2")))
    local[("barn-far-illa", "Provkommun D")] = ContactPath("barn-far-illa", "Provkommun D", (
        Step("office", "Grannkommunen tar emot.", role="mora-socialtjanst-barn"),
        Step("always", "Barnahuset.", kind="barnahus"),
        Step("office", "Igen.", kind="barnahus"),
        Step("after", "Jouren.", kind="socialjour")))
    return dataclasses.replace(
        d, municipalities=municipalities, roles=roles, local_paths=local,
        regional_paths=regional,
        areas={k: frozenset(v) for k, v in areas.items()}, by_kind_area={}, everywhere={},
        kinds_in_use=set())


def _brute(d, topic, at, **facts):
    """What the question 'which municipality?' used to cost: route every municipality."""
    firsts = set()
    for m in d.municipalities:
        steps = route(d, topic, m, at, cap=None, **facts).steps
        firsts.add(steps[0].role.id if steps else None)
    return len(firsts) > 1


async def test_first_differs_is_what_routing_every_municipality_says(service):
    rng = random.Random(14)
    persons = [None, Person(group="barn"), Person(group="vuxen", gender="man"),
               Person(group="aldre", gender="kvinna"), Person(uses_violence=True),
               Person(uses_violence=True, child_harmed=True)]
    named = [(), (NamedUnit("bup"),), (NamedUnit("socialtjanst-barn"),),
             (NamedUnit("stodlinje", "bris-116-111"),), (NamedUnit("kvinnojour"),)]
    start = dt.datetime.fromisoformat("2026-12-21T00:07:00+01:00")  # the week of Christmas
    moments = [start + dt.timedelta(minutes=97 * i) for i in range(110)]
    moments += [JULDAGEN, NIGHT, OFFICE,
                dt.datetime.fromisoformat("2026-01-05T13:00:00+01:00")]  # trettondagsafton
    for d in (await service.directory(), _grown(await service.directory())):
        seen = {True: 0, False: 0}
        for _ in range(500):
            topic = rng.choice(list(d.topics))
            facts = {"person": rng.choice(persons), "named": rng.choice(named),
                     "named_first": rng.random() < 0.7,
                     "said": frozenset({"skada"}) if rng.random() < 0.2 else frozenset()}
            at = rng.choice(moments)
            expected = _brute(d, topic, at, **facts)
            assert first_differs(d, topic, at, **facts) == expected, (topic, at, facts)
            seen[expected] += 1
        assert min(seen.values()) > 50  # both answers were put to the test
    # A role that a step names and its kind's step lists too is listed once, where the
    # path first has it: "prov-1" comes first in every municipality, Provkommun B too.
    assert not _brute(d, "prov", NIGHT) and not first_differs(d, "prov", NIGHT)


async def test_a_route_lists_three_roles_a_step_and_ten_steps_at_most(service):
    d = _grown(await service.directory())
    r = route(d, "hedersrelaterat-vald", "Provkommun A", OFFICE)
    everything = route(d, "hedersrelaterat-vald", "Provkommun A", OFFICE, cap=None)
    assert len(everything.steps) > len(r.steps) and len(r.steps) <= ANSWER_CAP.total
    assert kinds(r).count("socialtjanst-vuxen") == 3 == kinds(r).count("socialtjanst-barn")
    assert r.steps[0] == everything.steps[0]
    listed = [s.role.id for s in r.steps] + [p.role.id for p in r.hidden]
    assert sorted(listed) == sorted(s.role.id for s in everything.steps)  # nothing lost
    last = [s for s in r.steps if s.role.kind == "socialtjanst-vuxen"][-1]
    assert last.more == sum(p.role.kind == "socialtjanst-vuxen" for p in r.hidden) > 0
    assert all(s.more == 0 for s in r.steps
               if s is not last and s.role.kind != "socialtjanst-barn")


async def test_the_first_open_role_is_listed_even_beyond_the_cap(service):
    d = _grown(await service.directory())
    evening = dt.datetime.fromisoformat("2026-11-24T17:30:00+01:00")
    everything = route(d, "sip", "Provkommun A", evening, cap=None)  # not urgent
    first_open = next(s for s in everything.steps if s.open_now)
    position = everything.steps.index(first_open)
    assert position >= ANSWER_CAP.per_step  # it would have been left out
    r = route(d, "sip", "Provkommun A", evening)
    assert first_open.role.id in [s.role.id for s in r.steps]
    assert r.steps[0].role.id == everything.steps[0].role.id
