"""The demo directory, asked as staff would: the routes the regional agreement describes.

These are the examples the agreement work was judged by (children's medical step, older
people, the day before a holiday, the nearest unit, honour and hbtq, the seed's units).
"""

import datetime as dt

from directory.ask import parse_moment

OFFICE = parse_moment("2026-11-24T10:15:00+01:00")          # a Tuesday morning
TRETTONDAGSAFTON_1400 = parse_moment("2027-01-05T14:00:00+01:00")
TRETTONDAGSAFTON_1000 = parse_moment("2027-01-05T10:00:00+01:00")


async def kinds(service, question: str, at: dt.datetime) -> list[str]:
    return [s["kind"] for s in (await service.ask(question, at)).to_json()["route"]]


async def test_a_small_child_with_suspected_fractures_gets_the_medical_step(service):
    route = await kinds(service, "bebis 3 månader med misstänkta frakturer, Ludvika", OFFICE)
    assert route[0] == "socialtjanst-barn" and "barnmedicin" in route and "barnahus" in route


async def test_an_old_woman_beaten_by_her_son_gets_elderly_care(service):
    route = await kinds(service, "kvinna 84 år misshandlas av sin son, Leksand", OFFICE)
    assert "aldreomsorg" in route and "stodlinje" in route and "polis" in route


async def test_an_older_person_sexually_assaulted_gets_elderly_care_too(service):
    """The contract: older people get `aldreomsorg` in the route; the sexual violence path
    has no adults' social services for it to stand beside, so the path says it itself."""
    route = await kinds(service, "sexuellt övergrepp mot en kvinna på 80, Rättvik", OFFICE)
    assert route[0] == "kvinnoklinik" and "aldreomsorg" in route  # the clinic serves her too
    assert "aldreomsorg" not in await kinds(service, "kvinna 40 år våldtagen i helgen, Rättvik",
                                            OFFICE)


async def test_an_older_man_who_wants_to_stop_hitting_gets_treatment_first(service):
    """Treatment for those who use violence is for adults of every age (65+ too)."""
    route = await kinds(service, "man 70 år slår sin fru och vill ha hjälp att sluta, Falun",
                        OFFICE)
    assert route[0] == "valdsutovarbehandling" and "aldreomsorg" in route


async def test_a_daughter_at_risk_of_genital_mutilation_goes_to_child_services_first(service):
    """Honour says nothing of whom; the daughter at risk, not her mother, is the person."""
    q = "Mamman berättar att hon planerar att låta omskära dottern 5 år under en resa, Ludvika"
    route = await kinds(service, q, OFFICE)
    assert route[0] == "socialtjanst-barn" and "hedersteam" in route


async def test_a_report_of_concern_on_a_holiday_eve_afternoon_goes_to_the_duty_service(service):
    assert (await kinds(service, "orosanmälan Mora", TRETTONDAGSAFTON_1400))[0] == "socialjour"
    assert (await kinds(service, "orosanmälan Mora", TRETTONDAGSAFTON_1000))[0] == (
        "socialtjanst-barn")


async def test_a_rape_in_mora_starts_at_moras_clinic(service):
    route = (await service.ask("våldtäkt, patienten bor i Mora", OFFICE)).to_json()["route"]
    assert route[0]["kind"] == "kvinnoklinik" and route[0]["role_id"].startswith("mora-")


async def test_a_young_gay_man_threatened_by_his_family_is_honour_and_never_a_girls_line(
        service):
    a = (await service.ask("ung man hotas av familjen för att han är gay, Falun",
                           OFFICE)).to_json()
    route = [s["kind"] for s in a["route"]]
    assert a["understood"]["topic"] == "hedersrelaterat-vald"
    assert "hedersteam" in route and "tjejjour" not in route and "kvinnojour" not in route


async def test_the_county_association_of_shelters_is_found_by_name_and_not_routed(service):
    a = (await service.ask("länsföreningen för kvinno- och tjejjourer, nummer?",
                           OFFICE)).to_json()
    assert a["route"][0]["role_id"] == "lansforeningen-kvinno-och-tjejjourer"
    plain = await kinds(service, "kvinna misshandlad av sin man, bor i Mora", OFFICE)
    assert "jourforbund" not in plain and "kvinnojour" in plain


async def test_soc_named_is_the_social_services_unit_for_the_person_open_or_not(service):
    # "soc" names a family of kinds (kind-socialtjanst): the child's or the adult's unit
    child = await kinds(service, "telefon till soc i Säter? oro för en 6-åring", OFFICE)
    adult = await kinds(service, "telefon till soc i Säter? kvinna slagen av sambon", OFFICE)
    assert child[0] == "socialtjanst-barn" and adult[0] == "socialtjanst-vuxen"
    closed = await kinds(service, "telefon till soc i Säter? oro för en 6-åring",
                         TRETTONDAGSAFTON_1400)
    assert closed[:2] == ["socialtjanst-barn", "socialjour"]  # closed, then what is open
    # a real kind's name beats the family ("soc-jouren" is socialjour)
    assert (await kinds(service, "soc-jouren nummer, oro för barn i Säter", OFFICE))[0] == (
        "socialjour")
    # named alone, both units (tests/test_ask.py)
    alone = (await service.ask("soc i Säter", OFFICE)).to_json()
    assert [s["kind"] for s in alone["route"]] == ["socialtjanst-barn", "socialtjanst-vuxen"]


async def test_a_parent_who_hits_the_children_and_wants_help_starts_with_the_childs_report(
        service):
    # the one who uses violence is an adult; under the child's topic the route is the
    # child's all the same (the kinds are not swapped for the adult)
    a = await service.ask("pappa som slår sina barn vill ha hjälp att sluta, Orsa", OFFICE,
                          topic="barn-utsatt-for-vald")
    assert a.understanding.person.uses_violence and a.understanding.person.group == "vuxen"
    assert a.route[0].role.kind == "socialtjanst-barn"


async def test_a_man_asking_for_a_womens_shelter_by_name_is_not_sent_there(service):
    """The contract: no kvinnojour, tjejjour or kvinnoklinik in a man's route, even when the
    unit is asked for by name; the units for him come instead."""
    route = await kinds(service, "har kvinnojouren i Avesta plats för en man, 41, som "
                                 "hotas av sin sambo?", OFFICE)
    assert route and not {"kvinnojour", "tjejjour", "kvinnoklinik"} & set(route)
    assert route[0] == "socialtjanst-vuxen"
    assert (await kinds(service, "kvinnojouren Avesta, nummer?", OFFICE))[0] == "kvinnojour"


async def test_a_unit_in_a_question_of_where_to_go_is_asked_for(service):
    """"ska vi åka till barnakuten?", "akuten i Falun eller Mora?": asked for, first."""
    route = await kinds(service, "ska vi åka in till barnakuten? 2-åring med misstänkta "
                                 "brännskador, Falun", OFFICE)
    assert route[0] == "barnmedicin"
    route = await kinds(service, "blev våldtagen i helgen, hon vill ha hjälp. akuten i "
                                 "Mora eller Falun?", OFFICE)
    assert route[0] == "akutmottagning"


NIGHT = parse_moment("2026-11-24T23:30:00+01:00")


async def test_worry_with_nothing_of_what_happened_asks_what_it_is_about(service):
    for question in ("en brukare i Gagnef jag är bekymrad för, vem ringer jag?",
                     "something is wrong with a family I see in Gagnef, who do I contact?"):
        a = (await service.ask(question, OFFICE)).to_json()
        assert a["clarify"] and a["clarify"]["field"] == "topic", question


async def test_words_of_other_matters_are_not_asked_about(service):
    """A work injury or a vaccination is nothing in the directory: no answer, no question."""
    for question in ("anmäla en arbetsskada, axeln tog stryk vid en förflyttning",
                     "blåmärken på armen efter blodprov, hon tar blodförtunnande, vem ringer "
                     "jag?", "när får personalen vaccination mot covid i år?"):
        a = (await service.ask(question, OFFICE)).to_json()
        assert a["understood"]["topic"] is None and a["clarify"] is None, question


async def test_a_report_about_a_child_asks_for_the_municipality_at_night_too(service):
    """The contract: a report about a child needs the municipality, even when the social
    duty takes it everywhere at night; a unit asked for by name does not."""
    a = (await service.ask("vill orosanmäla, en fyraåring far illa hemma", NIGHT)).to_json()
    assert a["clarify"] and a["clarify"]["field"] == "municipality" and not a["route"]
    a = (await service.ask("vill orosanmäla, en fyraåring far illa hemma, Orsa",
                           NIGHT)).to_json()
    assert a["route"][0]["kind"] == "socialjour"
    a = (await service.ask("socialjourens telefonnummer? gäller en orosanmälan", NIGHT)
         ).to_json()
    assert a["clarify"] is None and a["route"][0]["kind"] == "socialjour"
    adult = (await service.ask("kvinna slagen av sin sambo, vill ha stöd", NIGHT)).to_json()
    assert adult["clarify"] is None and adult["route"][0]["kind"] == "socialjour"


async def test_sex_with_a_child_brings_the_childrens_medical_step(service):
    """The contract: a sexual assault on a child brings barnmedicin into the route."""
    route = await kinds(service, "14-åring säger att en granne i 40-årsåldern har haft sex "
                                 "med henne, Orsa", OFFICE)
    assert route[0] == "socialtjanst-barn" and "barnmedicin" in route


async def test_a_girls_line_asked_for_a_teenager_with_a_boyfriend_is_given(service):
    """"16-åring med en svartsjuk kille": the boy is the one she is with, so the girls'
    line asked for by name is not dropped as if the person were a boy."""
    route = await kinds(service, "tjejjouren, går det att chatta? 15-åring med en svartsjuk "
                                 "kille, Falun", OFFICE)
    assert route[0] == "tjejjour"


async def test_a_unit_asked_for_a_child_answers_for_a_child(service):
    """"BRIS nummer, gäller en tioåring": the unit's own topic is an adult's; asked for a
    child, the question is about a child (the route still starts with the unit)."""
    a = (await service.ask("BRIS telefon? gäller en tioåring i Säter", OFFICE)).to_json()
    assert a["understood"]["topic"] == "barn-far-illa"
    assert a["route"][0]["role_id"] == "bris-116-111"


async def test_a_bare_report_asks_which(service):
    """"hur gör jag en anmälan?": a report of concern or to the police? Ask."""
    a = (await service.ask("hur gör jag en anmälan, Säter?", OFFICE)).to_json()
    assert a["clarify"] and a["clarify"]["field"] == "topic"


async def test_a_strangled_child_gets_the_childrens_medical_step(service):
    route = await kinds(service, "flicka 9 år berättar att styvpappan tog stryptag på henne i "
                                 "helgen, Orsa", OFFICE)
    assert route[0] == "socialtjanst-barn" and "barnmedicin" in route
