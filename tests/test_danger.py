"""Immediate danger puts 112 first; what only sounds dangerous does not (the contract:
violence now, a threat to kill tonight, a weapon, the one who uses violence outside or
still there now). The rules are the lexicon's `danger:` (data), read by
directory/understand/danger.py; each question here is written in words of its own."""

import pytest

from directory.ask import parse_moment
from directory.understand import Understander
from directory.understand.danger import (
    CALM,
    DANGER_FROM,
    HABIT,
    KILL,
    NOW_CONCEPT,
    TONIGHT,
    learnt_danger,
)
from directory.understand.topics import Analysis

OFFICE = parse_moment("2026-11-24T10:15:00+01:00")  # a Tuesday morning


async def first_kinds(service, question: str) -> list[str]:
    return [s["kind"] for s in (await service.ask(question, OFFICE)).to_json()["route"]]


@pytest.mark.parametrize("question", [
    "han slår henne just nu, Hedemora",
    # "right now" said outright is this moment, though the sentence tells a habit too
    "the ex who beat her is outside our clinic right now and keeps sending her threats, Mora",
    # the one who uses violence still there, with violence or her injuries
    "sambon är kvar i lägenheten efter att ha misshandlat henne, Orsa",
    "her partner hit her an hour ago and is still in the house, Mora",
    "hon blöder från näsan och säger att sambon är kvar i lägenheten, Orsa",
    # screams heard now
    "vi hör skrik från lägenheten ovanför, Säter",
    # a threat to kill tonight, whatever its condition
    "han hotar att döda henne i kväll om hon inte kommer hem, Leksand",
    # "just nu" / "right now" with violence some words away in the same telling
    "grannen ringer: exmannen sparkar och slår sin före detta fru i trapphuset just nu, Orsa",
    "my colleague says a man is beating his partner behind the pharmacy right now, Falun",
    # someone forcing the door, shut in, waiting at the door, refusing to leave
    "exet försöker bryta sig in hos henne, Vansbro",
    "her brother is kicking in the door of her flat, Gagnef",
    "sambon har stängt in henne i sovrummet, hon sms:ar oss, Rättvik",
    "hon gömmer sig i personalrummet, han står vid dörren och väntar på henne, Avesta",
    "pojkvännen har slagit henne och vägrar gå från mottagningen, Orsa",
    # on his way or just arrived, with a threat or violence
    "hon fick ett sms: exet kör hit nu och ska slå ihjäl henne, Rättvik",
    "her ex has turned up at the day centre and is grabbing her arm, Mora",
    # being taken out of the country now; the one who uses violence walked in or followed her
    "släkten är på väg till Arlanda med 15-åringen just nu för att gifta bort henne, Avesta",
    "her uncle is driving her to the airport right now to marry her off, Borlänge",
    "her ex just walked in and slapped her in the waiting room, Orsa",
    # a bat, a fire set tonight, just come in and threatening, taking the baby while staff
    # hold the door
    "her husband is waiting by the car with a bat, Ludvika",
    "he is yelling on the phone that he will set fire to the flat tonight with her in it, Mora",
    "pappan har kommit upp på avdelningen och hotar mamman, Mora",
    "pappan försöker ta med sig barnet från avdelningen, vi håller emot dörren, Falun",
    # a caller who can only whisper, a threat said aloud, violence in front of staff
    "brukaren viskar i telefon att sonen slår henne, Malung",
    "mannen i receptionen skriker att han ska ha ihjäl sin fru, Hedemora",
    "the father is kicking the boy on the floor in front of me, Ludvika",
    # screams and thuds together
    "dunsar och skrik från grannlägenheten, Gagnef",
    # shooting at her, with an air rifle
    "exet sköt mot hennes fönster med ett luftgevär, Säter",
    # the one who uses violence has broken in where she is
    "exmaken har brutit sig in hos henne i Säter",
    # violence where the asker stands now
    "äldre dam i Rättvik, maken knuffar henne mot väggen och jag står här i hallen",
])
async def test_immediate_danger_puts_112_first(service, question):
    assert (await first_kinds(service, question))[0] == "larmnummer"


@pytest.mark.parametrize("question", [
    # said in so many words
    "hon behöver skyddat boende, ingen akut fara just nu, han är inlagd, Hedemora",
    "not in immediate danger right now, but she cannot go home, Säter",
    # "bor kvar": she still lives there; screams heard last week
    "hon bor kvar i huset efter misshandeln, vill ha stöd, Orsa",
    "grannarna hörde skrik och bråk förra veckan, barn i familjen, Säter",
    # the one who uses violence held or away
    "maken har gevär hemma men är häktad sedan i måndags, hon vill ha stöd, Leksand",
    "her husband beats her and owns a shotgun but is away for work until March, Leksand",
    # a threat told with its month, or on a condition
    "exet hotade att döda henne i september, hon vill ha stöd, Orsa",
    "maken säger att han ska döda henne om hon går till polisen, hon vill veta vilket stöd "
    "som finns, Leksand",
    # what keeps happening is no scene now; "nu" of a wish after the violence; still in prison
    "exet står alltid utanför hennes jobb och väntar, Falun",
    # she feels safe now, nothing is happening, a child keeps drawing what he saw
    "hon blev strypt i helgen men känner sig trygg hos sin mamma, han är kvar i lägenheten, "
    "Rättvik",
    "a boy keeps drawing his father hitting his mother with a belt, nothing is happening now, "
    "Säter",
    # a flight planned for tonight, nobody taking her now: not 112 by itself
    "16-åringen ska åka till flygplatsen med familjen i kväll, skolan är orolig, Ludvika",
    "sambon sparkar henne och nu vill hon ha hjälp att flytta, Gagnef",
    "hon blev slagen av sin bror i våras, han är kvar i fängelse, Säter",
    # "just nu" of a wish; "skjuts" is a ride
    "hon vill just nu bara prata med någon om sambons våld, Leksand",
    "13-åring får skjuts och presenter av en vuxen man, misstänkt sexuell exploatering, Mora",
    # "just nu" / "right now" of where someone safe is: its own sentence, or far from what
    # happened (within one sentence and a few words it still reads as violence now)
    "Sexåring med blåmärken på ryggen efter pappans slag. Han sitter hos sin mormor just nu, Mora",
    "two toddlers left alone by a drunk mother, a neighbour looks after them right now, Mora",
    # a threat against oneself, on a condition
    "16-årig tjej säger att pojkvännen hotar att ta livet av sig om hon gör slut, Leksand",
    "her boyfriend threatens to kill himself if she leaves him, she is 17, Orsa",
    # said on a condition, long ago, or a whisper that tells what happens at home
    "han har sagt att om hon tar barnen så slår han ihjäl henne, hon vill ha stöd, Leksand",
    "hon hotades med kniv för längesen, inget pågår nu, vill ha samtalsstöd, Falun",
    "the boy whispered that his stepfather hits his mum when he drinks, Säter",
    "on the way home from school a 12-year-old told the nurse her dad hits her, Mora",
    # the day before yesterday, a year gone by, convicted
    "exet hotade henne med kniv i förrgår, hon bor hos sin syster nu, Säter",
    "her brother threatened to kill her back in 2021, she wants to talk to someone, Mora",
    "exet som stod utanför hennes hus med kniv är dömd, hon vill ha stöd, Hedemora",
    # a general question, about no case
    "utbildningsfråga till kvinnofridssamordnaren: hur pratar vi med patienter om vapen i "
    "hemmet? Mora",
    "a general question for the violence coordinator: how do we ask patients about knives at "
    "home? Mora",
    # "vad händer nu": the asker asks what comes next
    "mamman som slog dottern (7 år) har flyttat till Göteborg, vad händer nu med flickan? Orsa",
    # the telling is now, not what it tells
    "äldre man inlagd efter ett fall berättar nu att sonen slog honom, Rättvik",
    # what happens every night is a habit, not this moment
    "8-åringen såg styvpappan slå mamman och nu vaknar hon och skriker varje natt, Orsa",
    # where she is, not where he is: she waits, afraid to go home to him
    "Tjejen sitter i väntrummet och törs inte åka hem till pojkvännen, Ludvika",
    # her mother coming, the boyfriend harmed: the scene and its urgency are hers
    "tjej 16 år slagen av pojkvännen i går, mamman är på väg hit för att hämta henne, Falun",
    # months ago
    "hon fick en kniv mot halsen för ett halvår sen av exet, vill prata med någon nu, Mora",
    "he threatened her with a gun a few months ago, she wants counselling now, Falun",
    # in prison, said the everyday way
    "pappan gick på mamman med en kniv, han sitter inne för det nu och barnen mår dåligt, Orsa",
    "sambon hotade henne med kniv, han sitter på kåken sedan dess, hon vill ha stöd, Säter",
    # "now" of the care already there, not of the violence
    "pojken 10 år utsatt för våld, nu inkopplad på BUP, vad gör vi, Gagnef",
    "a girl of 9 exposed to violence and now attends child psychiatry, Leksand",
    # "nu inte": now no longer, the state of the child, not violence now
    "pojken 9 år har sett pappa slå mamma och nu inte vågar gå hem, Falun",
    # a whisper that tells us something, not a call made in secret
    "Kvinna 70 viskar att maken brukar bli våldsam när han druckit, Vansbro",
    # "yrs ago": long ago, written short
    "she says her ex put a gun to her head 3 yrs ago and wants counselling, Orsa",
    # the teller and the one told may stand between the whisper and what it tells
    "Pojken viskade till mig att mamma slår honom, Falun",
    # the one with the knife is under arrest: no danger now
    "man 50 med stickskador efter att frun gick på honom med kniv, hon är anhållen, Borlänge",
    "her brother cut her with a knife on Sunday, he was arrested, she's on our ward, Mora",
    # where he will be when he comes back is no scene now
    "pojkvännen slår henne, hon vill inte vara hemma när han kommer tillbaka ikväll, Säter",
    # a killing word he says he has no plans for
    "han säger att han kunde döda henne men har inga planer och vill ha hjälp med ilskan, Säter",
])
async def test_what_only_sounds_dangerous_is_not_112(service, question):
    route = await first_kinds(service, question)
    assert route and route[0] != "larmnummer"


@pytest.mark.parametrize("question", [
    "exet sparkar på ytterdörren hos henne i Rättvik och skriker",
    "han har tagit barnen och kör mot Norge, hon ringer från Malung",
])
async def test_danger_the_rules_miss_is_learnt_from_the_examples(service, question):
    """A story no danger rule reads: the examples marked `danger: true` teach the model's
    danger head to tell it (data, not code), and 112 comes first."""
    d = await service.directory()
    assert not Understander(d, use_model=False).understand(question).danger  # rules alone
    assert (await first_kinds(service, question))[0] == "larmnummer"


def test_a_habit_leaves_the_danger_head_to_the_rules_unless_it_names_tonight():
    """"står alltid utanför": what keeps happening is left to the rules; "keeps saying
    tonight is the last night": a threat said again and again, for tonight, is heeded."""
    habit = Analysis(concepts={HABIT: 1.0})
    assert not learnt_danger(0.9, habit)
    assert learnt_danger(0.9, Analysis(concepts={HABIT: 1.0, TONIGHT: 1.0}))
    assert not learnt_danger(0.9, Analysis(concepts={HABIT: 1.0, TONIGHT: 1.0, CALM: 1.0}))
    assert not learnt_danger(DANGER_FROM / 2, Analysis(concepts={TONIGHT: 1.0}))


def test_a_threat_on_a_condition_leaves_the_danger_head_to_the_rules():
    """"om hon tar barnen och flyttar så tar han livet av henne": a killing word after "om"
    and someone, nothing of now or tonight: the head's word is not heeded; said of now, or
    with no condition, it is."""
    toks = "han har sagt att om hon tar barnen och flyttar sa tar han livet av henne".split()
    kill = toks.index("livet")
    conditional = Analysis(concepts={KILL: 1.0}, positions={KILL: [kill]})
    assert not learnt_danger(0.9, conditional, toks)
    now = Analysis(concepts={KILL: 1.0, NOW_CONCEPT: 1.0}, positions={KILL: [kill]})
    assert learnt_danger(0.9, now, toks)
    plain = "han har sagt att han tar livet av henne".split()
    assert learnt_danger(0.9, Analysis(concepts={KILL: 1.0},
                                       positions={KILL: [plain.index("livet")]}), plain)


@pytest.mark.parametrize("question", [
    "femåring på förskolan ritade en bild där pappa har en pistol och skjuter, Orsa",
    "the boy (6) drew his dad with a knife and said dad is angry, Falun",
])
async def test_a_weapon_in_a_drawing_is_no_immediate_danger(service, question):
    route = await first_kinds(service, question)
    assert route and route[0] != "larmnummer"
