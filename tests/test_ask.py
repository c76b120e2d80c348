"""The `ask` contract: every field real, protected fields never in an answer."""

import datetime as dt
import json

import pytest

from directory.ask import parse_moment
from directory.understand import Understander

NIGHT = parse_moment("2026-11-24T23:30:00+01:00")
OFFICE = parse_moment("2026-11-24T10:15:00+01:00")


async def test_answer_has_every_contract_field(service):
    a = (await service.ask("orosanmälan Mora", NIGHT)).to_json()
    assert set(a) >= {"query", "understood", "clarify", "route", "checklist", "alternatives"}
    assert set(a["understood"]) >= {"topic", "municipality", "at", "confidence"}
    assert a["understood"]["at"] == "2026-11-24T23:30:00+01:00"
    assert 0 < a["understood"]["confidence"] <= 1
    step = a["route"][0]
    assert set(step) >= {"step", "kind", "role_id", "name", "organisation", "open_now", "opens",
                         "contacts", "why", "verified", "stale"}
    assert step["step"] == 1 and step["contacts"][0]["channel"] == "phone"
    dt.date.fromisoformat(step["verified"])
    assert a["checklist"] and a["demo"] is True
    assert any("Demodata" in n for n in a["notices"])


async def test_protected_fields_never_appear_in_any_answer(service):
    d = await service.directory()
    roles = await service.store.roles(with_protected=True)
    secrets = [v for r in roles for _, v in r.protected]
    assert secrets, "the demo directory should have protected fields to test with"
    questions = [f"{t.label} {m}" for t in d.topics.values() for m in d.municipalities]
    questions += ["skyddat boende ikväll Avesta", "kvinnojouren i Hedemora adress"]
    for q in questions:
        for moment in (OFFICE, NIGHT):
            text = json.dumps((await service.ask(q, moment)).to_json(), ensure_ascii=False)
            for secret in secrets:
                assert secret not in text, q
    assert all(not r.protected for r in d.roles.values())  # not even loaded for answers


async def test_personal_identity_number_is_redacted_and_flagged(service):
    a = (await service.ask("pat 811218-9876 slagen av sambon, Falun", OFFICE)).to_json()
    assert "811218" not in json.dumps(a)
    assert a["query"].startswith("pat [personnummer]")
    assert a["redacted"] and any("personnummer" in n for n in a["notices"])


async def test_no_match_gives_null_topic_and_empty_route(service):
    a = (await service.ask("vad blir det för lunch idag", OFFICE)).to_json()
    assert a["understood"]["topic"] is None and a["route"] == [] and a["clarify"] is None


async def test_a_case_with_nothing_said_of_it_asks_what_it_is_about(service):
    for q in ("har ett ärende i Säter, vem tar sånt", "I have a case in Orsa, who do I call?"):
        a = (await service.ask(q, OFFICE)).to_json()
        assert a["understood"]["topic"] is None and a["route"] == [], q
        assert a["clarify"]["field"] == "topic", q


async def test_missing_municipality_asks_only_when_the_route_depends_on_it(service):
    a = (await service.ask("orosanmälan", OFFICE)).to_json()
    assert a["clarify"]["field"] == "municipality" and a["route"] == []
    assert "Mora" in a["clarify"]["options"]
    b = (await service.ask("människohandel", OFFICE)).to_json()
    assert b["clarify"] is None and b["route"][0]["kind"] == "regionkoordinator"


async def test_default_municipality_is_used_when_none_is_named(service):
    a = (await service.ask("orosanmälan", OFFICE, default_municipality="Orsa")).to_json()
    assert a["understood"]["municipality"] == "Orsa"
    assert a["understood"]["municipality_from"] == "default"
    assert a["route"][0]["role_id"].startswith("orsa-")


async def test_a_unit_asked_for_by_its_own_name_comes_first_without_a_municipality(service):
    """The names index: a role's name before " – " and a one-role organisation's name
    that unit, though no alias was written for it and "Siljan" is no municipality."""
    a = (await service.ask("Kvinnojouren Siljan, nummer?", OFFICE)).to_json()
    assert a["route"][0]["role_id"] == "kvinnojour-siljan" and a["clarify"] is None
    d = await service.directory()
    names = d.unit_aliases()
    assert "kvinnojouren västerbergslagen" in names["kvinnojour-vasterbergslagen"]
    # "Socialtjänsten Mora" is the head of two roles' names: it names neither alone
    assert not any("socialtjänsten mora" in n for n in names.values())


async def test_a_unit_asked_for_the_whole_region_is_the_regions_own(service):
    """"länets …", "in the region": the place is the region, so the region's own unit of
    the kind answers; said of no place, the same unit needs a municipality (several have
    their own)."""
    q = "vem är länets kvinnofridssamordnare? behöver rådgivning i ett ärende"
    a = (await service.ask(q, OFFICE)).to_json()
    assert a["clarify"] is None and a["route"][0]["kind"] == "kvinnofridssamordnare"
    assert a["route"][0]["role_id"].startswith("region-")
    b = (await service.ask("kvinnofridssamordnaren, behöver rådgivning i ett ärende",
                           OFFICE)).to_json()
    assert b["clarify"]["field"] == "municipality"


async def test_is_there_someone_asks_for_the_unit_it_names(service):
    """"finns det någon …", "is there anyone …": a unit asked for, here the region's own."""
    for q in ("finns det någon samordnare mot våld i regionen som man kan rådgöra med?",
              "Is there anyone like a violence coordinator for the region? We need to consult."):
        a = (await service.ask(q, OFFICE)).to_json()
        assert a["clarify"] is None and a["route"][0]["kind"] == "kvinnofridssamordnare", q


async def test_a_unit_the_asker_calls_anyway_is_not_asked_for(service):
    """"vem ringer jag förutom BUP?", "apart from BUP": that unit is in hand already."""
    for q in ("Bebis 3 mån med oförklarad fraktur, bor i Borlänge, vem ringer jag förutom BUP?",
              "toddler with bruises nobody can explain, Mora, who should I call apart from BUP?"):
        route = [s["kind"] for s in (await service.ask(q, NIGHT)).to_json()["route"]]
        assert route[0] == "socialjour" and "bup" not in route[:2], q


async def test_a_title_at_a_unit_is_where_the_asker_works(service):
    """"I'm a nurse at the youth clinic": where the asker is, not the unit asked for."""
    q = ("I'm a nurse at the youth clinic in Leksand; a 14-year-old says her boyfriend "
         "strangles her when they fight")
    route = [s["kind"] for s in (await service.ask(q, OFFICE)).to_json()["route"]]
    assert route[0] == "socialtjanst-barn"


async def test_the_askers_own_title_is_not_a_unit_asked_for(service):
    """"jag som kurator", "vi som är kuratorer": who asks, not whom to call."""
    for q in ("jag som kurator undrar om jag får polisanmäla åt en patient som misshandlats "
              "av sin man, Säter",
              "vi som är kuratorer i Säter, får vi göra polisanmälan åt en misshandlad patient?"):
        a = (await service.ask(q, OFFICE)).to_json()
        assert a["understood"]["topic"] == "polisanmalan", q
        assert a["route"][0]["kind"] == "polis", q


async def test_it_support_is_another_matter_not_a_vague_case(service):
    """"IT-supporten i Mora, nummer?": no case to ask about, so no clarification either."""
    a = (await service.ask("IT-supporten i Mora, nummer?", NIGHT)).to_json()
    assert a["route"] == [] and a["clarify"] is None


async def test_who_and_where_with_nothing_of_what_happened_asks_what_it_is_about(service):
    """"she lives in Vansbro": a pronoun and where she lives tell nothing of a case."""
    for q in ("Who should I phone about my patient? She lives in Vansbro.",
              "which number for my client, she lives in Mora"):
        a = (await service.ask(q, OFFICE)).to_json()
        assert a["route"] == [] and a["clarify"]["field"] == "topic", q


async def test_a_worry_about_an_adult_with_nothing_told_asks_what_it_is_about(service):
    """"worried about a client": nothing of what happened; about a child it is a report of
    concern (orosanmälan)."""
    a = (await service.ask("I'm concerned about a client in Avesta, who can I turn to?",
                           OFFICE)).to_json()
    assert a["route"] == [] and a["clarify"]["field"] == "topic"
    b = (await service.ask("orolig för en sjuåring i Gagnef", OFFICE)).to_json()
    assert b["understood"]["topic"] == "barn-far-illa"


async def test_a_unit_said_to_be_involved_already_is_not_asked_for(service):
    """"bup inkopplade", "attends child psychiatry": a SIP is convened by the route's first,
    not by the unit that is already there."""
    for q in ("SIP 14-åring Ludvika, bup inkopplade, vem ska kalla?",
              "coordinated plan (SIP) for a 12-year-old in Gagnef who attends child "
              "psychiatry, who calls the meeting?"):
        a = (await service.ask(q, OFFICE)).to_json()
        assert a["route"][0]["kind"] == "socialtjanst-barn", q
    for q in ("Hur kallar vi till SIP för en kvinna som redan har kontakt med både "
              "beroendevården och kvinnojouren, Falun?",  # the units named after the cue
              "vem kallar till SIP för en kvinna som har kontakt med både beroendevården, "
              "vårdcentralen, psykiatrin och kvinnojouren? Falun"):  # a longer list
        a = (await service.ask(q, OFFICE)).to_json()
        assert a["route"][0]["kind"] == "socialtjanst-vuxen", q


@pytest.mark.parametrize("question", [
    "Kuratorn har pratat med pojken om blåmärkena, vem på soc tar emot en orosanmälan i Gagnef?",
    "BUP har träffat flickan två gånger, nu vill vi göra en orosanmälan, Säter",
])
async def test_a_unit_that_has_already_met_the_child_is_not_asked_for(service, question):
    """"kuratorn har pratat med", "BUP har träffat": already there; the report goes to
    child services."""
    a = (await service.ask(question, OFFICE)).to_json()
    assert a["route"][0]["kind"] == "socialtjanst-barn"


@pytest.mark.parametrize("question", [
    "pojke 8 år har fortfarande ont efter att mamma slog honom med en slev, Falun",  # pain
    "A 6-year-old with welts on her legs says her mum did it, Falun",
    "kids with marks on the arms, father hits them, Mora",
])
async def test_marks_on_a_child_bring_the_paediatricians(service, question):
    """Welts and marks are injuries: a child's injuries bring `barnmedicin` into the route."""
    a = (await service.ask(question, OFFICE)).to_json()
    assert "barnmedicin" in [s["kind"] for s in a["route"]]


async def test_another_matter_with_nobody_in_it_is_no_case(service):
    """A word of another matter ("statistik") and nobody in the question: nothing in the
    directory fits, though the question names violence; a story with people in it and such
    a word ("bemanningsföretaget") is still a case."""
    a = (await service.ask("statistik över anmälda misshandelsfall i Borlänge 2025", OFFICE)
         ).to_json()
    assert a["route"] == [] and a["clarify"] is None and a["understood"]["topic"] is None
    for q in ("which diagnosis code do I use for injuries from intimate partner violence?",
              "när är nästa konferens om hedersrelaterat våld i Dalarna?"):
        other = (await service.ask(q, OFFICE)).to_json()
        assert other["route"] == [] and other["clarify"] is None, q
    b = (await service.ask("bemanningsföretaget säger att städarna bor inlåsta och får ingen "
                           "lön, kan det vara människohandel?", OFFICE)).to_json()
    assert b["route"][0]["kind"] == "regionkoordinator"


@pytest.mark.parametrize("question, topic", [
    ("en elev i åk 4 ska 'göras ren' hos farmor på sommarlovet, Borlänge",
     "hedersrelaterat-vald"),  # a euphemism for genital mutilation
    ("I think the young woman next door is being sold to men, Avesta",
     "manniskohandel-prostitution"),
])
async def test_words_for_the_deed_said_indirectly(service, question, topic):
    assert (await service.ask(question, OFFICE)).to_json()["understood"]["topic"] == topic


@pytest.mark.parametrize("question, first, also", [
    ("en 70-årig kvinna tvingas sälja sex av mannen hon bor med, Falun", "regionkoordinator",
     "polis"),
    ("hedersrelaterat våld mot en kvinna på 72, släkten hotar henne, Borlänge",
     "socialtjanst-vuxen", "hedersteam"),
])
async def test_units_for_adults_serve_older_people_too(service, question, first, also):
    """The regional coordinators against trafficking and the honour team work for adults of
    every age: an older person's route has them (their roles say `aldre`)."""
    kinds = [s["kind"] for s in (await service.ask(question, OFFICE)).to_json()["route"]]
    assert kinds[0] == first and also in kinds


@pytest.mark.parametrize("question, first, absent", [
    ("a 20 year old guy was sexually assaulted at a club last night, Mora", "akutmottagning",
     "kvinnoklinik"),
    ("is the girls' shelter in Borlänge open tonight?", "tjejjour", None),
    ("soc vuxen Orsa nummer", "socialtjanst-vuxen", None),
])
async def test_words_staff_use_for_a_man_and_for_units(service, question, first, absent):
    """"guy" is a man (no women's clinic for him); "girls' shelter" is the tjejjour; "soc
    vuxen" the adults' social services, not a unit of many needs."""
    kinds = [s["kind"] for s in (await service.ask(question, OFFICE)).to_json()["route"]]
    assert kinds[0] == first and absent not in kinds


async def test_a_case_the_asker_does_not_know_where_to_send_is_asked_about(service):
    a = (await service.ask("har ett ärende i Mora som jag inte vet vem som ska ha", OFFICE)
         ).to_json()
    assert a["route"] == [] and a["clarify"]["field"] == "topic"


async def test_something_seen_with_nothing_told_is_asked_about(service):
    a = (await service.ask("Vi såg något på ett hembesök igår i Ludvika, vem kontaktar vi?",
                           OFFICE)).to_json()
    assert a["route"] == [] and a["clarify"]["field"] == "topic"


async def test_a_unit_wanted_for_what_it_can_do_is_asked_for(service):
    """"finns det kurator … som kan träffa honom": the unit named is the one wanted."""
    for q in ("is there a women's shelter in Ludvika, she needs somewhere to sleep",
              "finns det en tjejjour i Borlänge dit en 15-åring som blir kontrollerad av sin "
              "kille kan vända sig"):  # "is there a", "finns det en": asked for
        kinds = [s["kind"] for s in (await service.ask(q, OFFICE)).to_json()["route"]]
        assert kinds[0] in ("kvinnojour", "tjejjour"), q
    for q in ("Äldre man slagen av sin son, finns det kurator på vårdcentralen i Leksand som "
              "kan träffa honom",
              "Patient beaten by her husband, is there a counsellor at the health centre in "
              "Gagnef who could see her this week"):
        a = (await service.ask(q, OFFICE)).to_json()
        assert a["route"][0]["kind"] == "kurator", q


async def test_a_unit_asked_about_here_is_asked_for_not_the_askers_workplace(service):
    """"kurator på vårdcentralen här." introduces the asker; "finns det en kurator här?"
    asks for one, and is answered or asked which municipality rather than left empty."""
    a = (await service.ask("Finns det någon ungdomsmottagning här?", OFFICE)).to_json()
    assert a["route"] or (a["clarify"] or {}).get("field") == "municipality"
    b = (await service.ask("ungdomsmottagningen här. Tjej 16 slagen av pojkvännen, Orsa",
                           OFFICE)).to_json()
    assert b["route"][0]["kind"] != "ungdomsmottagning"  # where the asker is, not asked


async def test_a_unit_asked_for_the_whole_region_lists_each_one_when_it_has_none_of_its_own(
        service):
    """"tjejjour i länet": the region has two, each serving its part; both are listed
    rather than asking which municipality."""
    a = (await service.ask("vilka tjejjourer finns i länet? en tjej på 14 vill chatta",
                           OFFICE)).to_json()
    assert a["clarify"] is None
    kinds = [s["kind"] for s in a["route"]]
    assert kinds[:2] == ["tjejjour", "tjejjour"] and kinds.count("tjejjour") == 2
    b = (await service.ask("Any women's shelter in Dalarna at all? Need a number", OFFICE)
         ).to_json()
    shelters = [s for s in b["route"] if s["kind"] == "kvinnojour"]
    assert b["clarify"] is None and b["route"][0]["kind"] == "kvinnojour"
    assert len({s["organisation"] for s in shelters}) >= 5


async def test_a_unit_of_which_the_region_has_a_few_is_listed_when_no_place_is_said(service):
    """No place said: the two tjejjourer are listed rather than asking which municipality;
    of women's shelters, which are many and local, the municipality is asked."""
    a = (await service.ask("tjejjouren? en tjej på 15 vill chatta med någon om sin pojkvän",
                           OFFICE)).to_json()
    assert a["clarify"] is None
    assert [s["kind"] for s in a["route"]][:2] == ["tjejjour", "tjejjour"]
    b = (await service.ask("kvinnojouren, hur når jag dem?", OFFICE)).to_json()
    assert b["clarify"]["field"] == "municipality"


async def test_an_english_abbreviation_opening_the_question_is_asked_for(service):
    """"ER at …" opens the question: "er" is a Swedish stop word, the unit's name is not."""
    a = (await service.ask("ER at Falun hospital, do they take photos of injuries? Woman "
                           "beaten by her boyfriend", OFFICE)).to_json()
    assert a["route"][0]["kind"] == "akutmottagning"


async def test_a_unit_that_was_to_ring_back_is_not_asked_for(service):
    """"Socialtjänsten … skulle ringa tillbaka": already contacted, closed now; the route
    says what is open (a cue after the unit counts only within its own sentence)."""
    q = ("hon behöver skyddat boende i natt, exet dyker upp hela tiden. Socialtjänsten i Säter "
         "skulle ringa tillbaka men har inte hört av sig")
    a = (await service.ask(q, parse_moment("2026-12-08T19:30:00+01:00"))).to_json()
    assert a["route"][0]["kind"] == "socialjour"


async def test_a_unit_where_the_person_is_is_not_asked_for(service):
    """"flicka 8 år på bup berättar …": where she is, not whom to call; "kan han söka på
    akuten": where he would go, asked."""
    a = (await service.ask("flicka 8 år på bup berättar att mamma inte ger henne mat, Avesta",
                           NIGHT)).to_json()
    assert a["route"][0]["kind"] == "socialjour"
    b = (await service.ask("kan han söka på akuten i Mora efter misshandeln ikväll",
                           NIGHT)).to_json()
    assert b["route"][0]["kind"] == "akutmottagning"


async def test_a_plea_for_help_with_nothing_said_asks_what_it_is_about(service):
    a = (await service.ask("kan du hjälpa mig?", OFFICE)).to_json()
    assert a["route"] == [] and a["clarify"]["field"] == "topic"


async def test_soc_named_alone_lists_its_units_and_what_is_open_after_the_first(service):
    """"soc i Säter": the unit asked for comes first (the contract), and "soc" stands for
    the children's and the adults' social services: both are listed, and when both are
    closed, what is open now for the same need comes right after the first. With no place,
    the municipality is asked."""
    a = (await service.ask("soc i Säter", OFFICE)).to_json()
    assert [s["kind"] for s in a["route"]] == ["socialtjanst-barn", "socialtjanst-vuxen"]
    assert a["clarify"] is None and a["understood"]["topic"] is None
    assert all(s["role_id"].startswith("sater-") for s in a["route"])
    night = (await service.ask("socialtjänsten Säter, nummer?", NIGHT)).to_json()
    assert [s["kind"] for s in night["route"]] == [
        "socialtjanst-barn", "socialjour", "socialtjanst-vuxen"]
    assert night["route"][1]["open_now"]
    nowhere = (await service.ask("soc, vilket nummer?", OFFICE)).to_json()
    assert nowhere["route"] == [] and nowhere["clarify"]["field"] == "municipality"
    b = (await service.ask("kuratorn på Ludvika lasarett", OFFICE)).to_json()
    assert b["route"][0]["kind"] == "kurator"  # "lasarett" names where, not another need


async def test_a_risk_marker_is_a_notice_of_the_answer(service):
    a = (await service.ask("kvinna med strypmärken på halsen, Falun", OFFICE)).to_json()
    assert a["route"][0]["kind"] != "larmnummer" and not a["understood"]["danger"]
    assert any("Strypvåld" in n for n in a["notices"])



async def test_without_a_municipality_it_is_asked_before_a_topic_too_close_to_call(service):
    from directory.ask import ask

    class TooClose(Understander):  # the real matcher, with a rival whose first step differs
        def close_runner_up(self, u):
            return "sexuellt-vald"

    d = await service.directory()
    u = TooClose(d)
    q = "misshandlad kvinna, vem ringer jag"
    assert ask(d, u, q, OFFICE).clarify.field == "municipality"
    assert ask(d, u, q, OFFICE, municipality="Mora").clarify.field == "topic"


async def test_an_answer_is_remembered_for_its_minute_and_forgotten_on_any_write(service):
    q = "misshandlad kvinna 19850412-3459 i Mora"
    first = await service.ask(q, OFFICE)
    again = await service.ask(q, OFFICE + dt.timedelta(seconds=30))
    assert again.route is first.route  # not routed again
    assert again.at == OFFICE + dt.timedelta(seconds=30) and first.at == OFFICE
    later = await service.ask(q, OFFICE + dt.timedelta(minutes=1))
    assert later.route is not first.route  # a new minute: routed again
    assert all("3459" not in str(key) for key in service.answers._answers)
    role = first.route[0].role
    await service.verify(role.id, "test", OFFICE.date(), "webb")  # a write of any kind
    assert (await service.ask(q, OFFICE)).route is not first.route


def test_recent_keeps_the_most_recently_used_within_its_size():
    from directory.recent import Recent

    r: Recent[str, int] = Recent(2)
    r.put("a", 1)
    r.put("b", 2)
    assert r.get("a") == 1  # "a" is now the most recent
    r.put("c", 3)  # pushes out "b"
    assert r.get("b") is None and r.get("a") == 1 and r.get("c") == 3 and len(r) == 2
