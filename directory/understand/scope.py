"""How much a question says beyond names: only who ("barn", "kvinna 40 år"), only violence
or a report with nobody in it, only a worry about an adult, or nothing beyond units,
places, who and how to reach. The understanding asks, or answers nothing, on these.
"""

from __future__ import annotations

from directory.understand import grammar
from directory.understand.features import Reading
from directory.understand.named import ASKING, WORKPLACE, YRKE
from directory.understand.places import RESIDENCE_WORDS
from directory.understand.text import PLACE_CUES, is_stop
from directory.understand.topics import MIN_SITUATION, NEGATIONS
from directory.vocabulary import Group

UNSURE = "osaker"
CASE = "arende"  # "ett ärende", "a case": a case of ours, so a vague question is in scope
VAGUE_BELOW = 0.6  # a question the model does not find off-topic (P(nothing fits) below)
PAST = "tidigare"  # "förra veckan", "igår kväll": a time, nothing of what happened
HUNCH = "magkansla"  # "något känns inte rätt", "seems off": worry, nothing of what happened
WORRIES = "oro"  # "orolig", "worried" and what gives worry about a child ("berusad")
ACCIDENT = "olycka"  # "ramlade", "på fotbollen", "slipped": how an injury came about
HARM = grammar.VIOLENCE_WORDS | {grammar.WEAPON, grammar.STRANGLE}  # violence said outright
AGE_WORDS = frozenset({"ar", "aring", "arig", "years", "year", "old", "yo", "manader",
                       "manad", "veckor", "vecka", "months", "weeks"})


def _said(r: Reading) -> set[str]:
    """The concepts the question says outright (not negated, not only near a typo)."""
    return {c for c, v in r.analysis.concepts.items() if v >= 0.9}


def only_who(r: Reading, subjects: frozenset[str]) -> bool:
    """Nothing but who ("barn", "kvinna 40 år", "pappa"): no situation to route. An injury
    is something that happened ("3-åring med brutet ben, pappan misstänks"): the model
    reads it, though the lexicon does not count it as a situation of its own."""
    if r.analysis.situation >= MIN_SITUATION:
        return False
    at = r.at
    for i, tok in enumerate(r.toks):
        if i in r.skip or len(tok) < 2 or tok.isdigit() or is_stop(tok) or tok in AGE_WORDS:
            continue
        if (tok in RESIDENCE_WORDS or tok in PLACE_CUES or tok in grammar.PRONOUNS) and (
                not at.get(i)):
            continue  # "she lives in Ludvika": who and where, not what happened
        if not at.get(i) or not at[i] <= subjects or grammar.INJURY in at[i]:
            return False
    return True


def only(r: Reading, core: str, allowed: frozenset[str]) -> bool:
    """Violence (or a report: "hur gör man en anmälan?"), and nobody it is done to or
    by, and nothing more of what happened: the first contact differs, so ask."""
    said = _said(r)
    # "hur gör man": with nobody mentioned, "man" is the pronoun
    neutral = {ASKING, UNSURE, WORKPLACE, YRKE, CASE, grammar.MALE}  # ("ett ärende om våld")
    if not (core in said and not r.found and not r.analysis.phrases
            and said - neutral <= allowed):
        return False
    covered = r.analysis.covered  # "ekonomiskt utnyttjande": a word more is said
    return all(i in covered or i in r.skip or len(t) < 4 or t.isdigit() or is_stop(t)
               for i, t in enumerate(r.toks))


def worry_only(r: Reading, subjects: frozenset[str]) -> bool:
    """"I'm worried about a patient from Leksand": a worry ("orolig", "worried") about
    an adult, and nothing of what happened; about a child it is a report of concern."""
    a = r.analysis
    said = _said(r)
    if HUNCH not in said and WORRIES not in said:
        return False
    if any(r.toks[p] not in grammar.WORRY for p in a.positions.get(WORRIES, ())):
        return False  # "berusad", "ensam med barnen": worry about what is told
    rest = said - {WORRIES, HUNCH, ASKING, UNSURE, WORKPLACE, YRKE}
    if not rest.isdisjoint(grammar.RELATIONS):
        return False  # "orolig inför att ex-pojkvännen släpps": a family's story
    child = rest & {"barn", "minderarig"} or any(
        m.group == Group.CHILD or (m.age is not None and m.age < grammar.ADULT_FROM)
        for m in r.found)
    return not child and rest <= subjects


def case_only(r: Reading) -> bool:
    """"har en fråga om en patient i Säter": a case pointed at, nothing of it and no word of
    a situation; whatever the model makes of it, what happened is asked."""
    return (r.analysis.concepts.get(CASE, 0.0) >= 0.9 and r.analysis.situation < MIN_SITUATION
            and not more_than_names(r))


def more_than_names(r: Reading) -> bool:
    """Words beyond units, places, who and how to reach: something else is asked. A word
    inside a term ("midsummer eve") or a place's cue ("närmaste akuten från Sälen") says
    nothing more."""
    at, inside = r.at, r.analysis.inside
    for i, tok in enumerate(r.toks):
        if i in r.skip or len(tok) < 3 or tok.isdigit() or is_stop(tok) or (
                tok in NEGATIONS):  # "vet inte vart": a "not" says nothing more
            continue
        if not at.get(i) and i not in inside and tok not in PLACE_CUES:
            return True
    return False


# "hur många barn", "antalet kvinnor", "how many women": people counted, not one person
COUNTING = frozenset({("hur", "manga"), ("how", "many"), ("number", "of"), ("antal",),
                      ("antalet",)})


def _counted(toks: list[str], i: int) -> bool:
    return any(tuple(toks[max(0, i - n):i]) in COUNTING for n in (1, 2))


def other_matter(r: Reading, not_violence: str) -> bool:
    """A word of another matter (the lexicon's `ovald`: statistics, brochures, a course, a
    podcast) and nobody in the question at all, or only people counted; or things counted
    and nobody in the question ("hur många anmälningar kom in förra året?"): "statistik över
    orosanmälningar 2026", "beställa broschyrer om våld i nära relation", "hur många barn
    har barnahus träffat i år? till årsredovisningen" ask about that matter, not a case."""
    counts = not r.found and any(_counted(r.toks, i) for i in range(1, len(r.toks) + 1))
    return (r.analysis.concepts.get(not_violence, 0.0) >= 0.9 or counts) and all(
        m.possessor or _counted(r.toks, m.index) for m in r.found) and all(
        _counted(r.toks, i) for _, i in r.analysis.ages)  # ("two-year-old with …": someone)


def only_another_matter(r: Reading, not_violence: str, subjects: frozenset[str],
                        times: frozenset[str]) -> bool:
    """A word of another matter and nothing of a situation but who and when: "4-åring med
    feber sedan igår kväll, ska hen ses i natt?", "blodtrycksmätaren i hemtjänsten visar
    fel" ask about that matter, though a person is in them. An injury is something that
    happened ("feber och blåmärken"), so is any word of violence."""
    a = r.analysis
    said = _said(r)
    if not_violence not in said or a.phrases or grammar.INJURY in said:
        return False
    return all(c in subjects or c in times for c in said - {not_violence})


def violence_said(r: Reading) -> bool:
    """Is violence said outright ("våld", "slår", "misshandlad", a weapon, strangling)?"""
    return any(r.analysis.concepts.get(c, 0.0) >= 0.9 for c in HARM)


def only_units_and_when(r: Reading, subjects: frozenset[str], times: frozenset[str]) -> bool:
    """Nothing said but which unit and when, nobody in it and no violence ("is gynakuten in
    Falun open right now?"): no story for the danger head to read."""
    return not r.found and not violence_said(r) and all(
        c in subjects or c in times for c in _said(r))


def accident_only(r: Reading, not_violence: str, subjects: frozenset[str],
                  times: frozenset[str]) -> bool:
    """An injury and how it came about ("bröt armen på fotbollen", "slipped on the ice, hip
    fracture"), and nothing more but who and when: a medical matter, whatever the model
    makes of an injured child. Not with a word of violence, nor with an account that may
    be doubted ("säger att hon ramlade", "the story doesn't fit")."""
    a = r.analysis
    said = _said(r)
    # violence said by a word that is no injury nor part of the accident ("fraktur" is a
    # sign of violence too; "slog i huvudet" an accident)
    if ACCIDENT not in said or a.phrases or any(
            cs & HARM and not cs & {grammar.INJURY, ACCIDENT} for cs in r.at.values()) or any(
            t in grammar.REPORTED for t in r.toks):
        return False
    rest = said - {not_violence, ACCIDENT, grammar.INJURY} - HARM
    return all(c in subjects or c in times for c in rest)


def asks_back(r: Reading, nothing: float) -> bool:
    """Nothing fits, and the question says too little to guess: ask what happened. Asked
    whom to call with no more than names ("vem ska jag ringa?", "Mora, vilket nummer?"),
    or with a place or a person and a model that does not find it off-topic; a case of ours
    ("ett ärende i Borlänge", "har en fråga om en brukare"); only a place ("Vansbro"); a
    worry, even told without a question ("något känns fel med en patient")."""
    said = r.analysis.concepts
    more = more_than_names(r)
    asking = any(said.get(c, 0.0) >= 0.9 for c in (ASKING, UNSURE))
    case = said.get(CASE, 0.0) >= 0.9
    return (asking and (not more or case or (
        nothing < VAGUE_BELOW and (bool(r.hits) or bool(r.found))))
    ) or (case and not more) or (bool(r.hits) and not said and not r.found and not more
                                 ) or said.get(HUNCH, 0.0) >= 0.9
