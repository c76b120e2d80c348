"""Immediate danger puts 112 first; what only sounds dangerous does not (the contract:
violence now, a threat to kill tonight, a weapon, the one who uses violence outside or
still there now). The rules are the lexicon's `danger:` (data), read by
directory/understand/danger.py; each question here is written in words of its own."""

import pytest

from directory.ask import parse_moment

OFFICE = parse_moment("2026-11-24T10:15:00+01:00")  # a Tuesday morning


async def first_kinds(service, question: str) -> list[str]:
    return [s["kind"] for s in (await service.ask(question, OFFICE)).to_json()["route"]]


@pytest.mark.parametrize("question", [
    "han slår henne just nu, Hedemora",
    # the one who uses violence still there, with violence or her injuries
    "sambon är kvar i lägenheten efter att ha misshandlat henne, Orsa",
    "her partner hit her an hour ago and is still in the house, Mora",
    "hon blöder från näsan och säger att sambon är kvar i lägenheten, Orsa",
    # screams heard now
    "vi hör skrik från lägenheten ovanför, Säter",
    # a threat to kill tonight, whatever its condition
    "han hotar att döda henne i kväll om hon inte kommer hem, Leksand",
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
    # "just nu" of a wish; "skjuts" is a ride
    "hon vill just nu bara prata med någon om sambons våld, Leksand",
    "13-åring får skjuts och presenter av en vuxen man, misstänkt sexuell exploatering, Mora",
])
async def test_what_only_sounds_dangerous_is_not_112(service, question):
    route = await first_kinds(service, question)
    assert route and route[0] != "larmnummer"
