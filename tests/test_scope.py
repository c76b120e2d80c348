"""How much a question says (directory/understand/scope.py): another matter though it names
a unit or counts people, an injury is something that happened, words inside a term or a
place's cue say nothing more than a unit's name."""

import pytest

from directory.ask import parse_moment
from directory.understand import Understander

OFFICE = parse_moment("2027-02-09T10:00:00+01:00")


@pytest.fixture
async def u(service) -> Understander:
    return await service.understander()


@pytest.mark.parametrize("question", [
    # a unit named, and a word of another matter with nobody in the question
    "Tar tjejjouren i Borlänge emot skänkta böcker och spel till sitt samtalsrum?",
    "vill donera en soffa till kvinnojouren i Ludvika, vem frågar jag?",
    # people counted are nobody the question is about
    "Hur många kvinnor bodde på skyddat boende i Mora under 2026? Behöver det till "
    "verksamhetsberättelsen",
    "how many children did the barnahus see last year? for our annual report",
    # a job, a placement, travel expenses, slides, a cake: another matter
    "Söker BUP i Avesta kuratorer? Vill skicka in en jobbansökan",
    "var hittar jag bildspelet från utbildningsdagen om hedersvåld?",
    # things counted, nobody in the question: statistics, though the word is not said
    "hur många polisanmälningar om misshandel gjordes i Falun 2026?",
    "how many reports of concern did Mora get in 2026?",
    # a unit named for an errand of its own, nobody in the question
    "säljer kvinnojouren i Avesta kläder på sin loppis?",
])
def test_another_matter_is_no_case_though_it_names_a_unit_or_counts_people(u, question):
    x = u.understand(question)
    assert x.topic is None and not x.vague and not x.asks_for_named, question


async def test_another_matter_naming_a_unit_gets_no_route(service):
    a = (await service.ask("Kan kvinnojouren i Falun ta emot donationer av leksaker?",
                           OFFICE)).to_json()
    assert a["route"] == [] and a["clarify"] is None


def test_a_person_harmed_is_still_a_case_beside_such_a_word(u):
    """Counting words make nobody the question's person only right after them."""
    x = u.understand("kvinna 30 i Mora har blåmärken och säger att sambon slår henne, "
                     "hon vill inte att det hamnar i någon statistik")
    assert x.topic is not None


@pytest.mark.parametrize("question", [
    "toddler with burns, suspected dad, Mora",  # (nothing but who, before: no topic)
    "ettåring med misstänkta brännmärken, styvpappan misstänks, Säter",
])
def test_an_injury_is_something_that_happened_not_only_who(u, question):
    x = u.understand(question)
    assert x.topic == "barn-utsatt-for-vald" and not x.vague, question


@pytest.mark.parametrize("question, kind", [
    ("Har barnahus öppet på trettondagsafton?", "barnahus"),
    ("is the youth clinic in Mora open on Christmas Eve?", "ungdomsmottagning"),
    ("närmsta kvinnojour från Idre", "kvinnojour"),
    ("closest A&E from Särna", "akutmottagning"),
])
async def test_a_holiday_or_a_places_cue_says_no_more_than_the_units_name(service, question,
                                                                           kind):
    a = (await service.ask(question, OFFICE)).to_json()
    assert a["route"] and a["route"][0]["kind"] == kind, question


def test_another_medical_matter_with_a_person_and_nothing_of_violence_is_no_case(u):
    """A word of another matter, someone, and only when ("feber sedan i morse", "i natt"):
    that matter; an injury beside it is something that happened."""
    x = u.understand("3-åring med hög feber sedan i morse, ska hen ses i natt? Mora")
    assert x.topic is None and not x.vague
    hurt = u.understand("3-åring med feber och blåmärken som ingen kan förklara, Mora")
    assert hurt.topic is not None


@pytest.mark.parametrize("question", [
    "har en fråga om en patient i Säter",  # a case, and nothing of it
    "kvinna på avdelningen verkar jätterädd, vet inte varför, Avesta",  # a worry, no more
])
def test_a_case_or_a_worry_with_nothing_of_what_happened_is_asked_about(u, question):
    x = u.understand(question)
    assert x.topic is None and x.vague, question


def test_something_said_that_worries_the_asker_is_asked_about(u):
    x = u.understand("Hon sa något i förrgår som oroar mig, Mora")
    assert x.topic is None and x.vague


def test_a_book_for_the_staff_is_another_matter(u):
    x = u.understand("Tips på en bok om våld i nära relationer till personalgruppen?")
    assert x.topic is None and not x.vague


def test_only_a_place_is_asked_about_and_a_health_centre_is_another_matter(u):
    x = u.understand("Rättvik")
    assert x.topic is None and x.vague
    y = u.understand("vilken vårdcentral hör Furudal till")
    assert y.topic is None and not y.vague


def test_this_kind_of_thing_is_asked_about(u):
    x = u.understand("vem tar sånt här i Mora?")
    assert x.topic is None and x.vague


@pytest.mark.parametrize("question", [
    "man 70 halkade i trappan hemma och har ont i handleden, vilken vårdcentral?",
    "kid 9 fell off the trampoline, swollen ankle, do we need an x-ray",
    "flicka 12 krockade på skidor, misstänkt armbrott, Idre",
])
def test_an_injury_told_to_come_from_an_accident_is_another_matter(u, question):
    """How the injury came about is told, with no word of violence: a medical matter."""
    x = u.understand(question)
    assert x.topic is None and not x.vague, question


@pytest.mark.parametrize("question", [
    "kvinna 45 säger att hon halkade men blåmärkena sitter runt halsen, Mora",
    "pojken 6 ramlade när pappan knuffade honom, har brutit armen, Falun",
    "she says she fell down the stairs but the bruises look like fingers, Borlänge",
])
def test_an_accident_doubted_or_beside_violence_is_still_a_case(u, question):
    x = u.understand(question)
    assert x.topic is not None, question


@pytest.mark.parametrize("question", [
    "har ett ärende om våld, Leksand",  # a case and violence, nothing of whom
    "ärende gällande en klient i Gagnef",
    "gäller en familj i Gagnef, vet inte vilket håll jag ska vända mig åt",
    "patienten antydde att det är fel hemma men ville inget mer, Rättvik",
    "a patient in Orsa said something like that to me today, who do I call?",
])
def test_a_case_a_family_or_a_hint_with_nothing_told_is_asked_about(u, question):
    x = u.understand(question)
    assert x.topic is None and x.vague, question
