"""Who a question is about: age, group, gender, and whether it is the one who uses violence.

The words are data (lexicon concepts: `kvinna`, `man`, `barn`, `aldre`, `vuxen`, `offer`,
`slar`, ages as `alder-<n>`); this module holds the grammar that says which person in the
question a word belongs to. "Man, 45, slagen av sin fru" is about a man; "kvinna
misshandlad av sin man" about a woman; "han slår henne" about her; "pappa som slår sin
dotter" about the daughter, unless the question is about the one who uses violence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory.model import Person

ADULT_FROM, OLDER_FROM = 18, 65
CHILD, ADULT, OLDER = "barn", "vuxen", "aldre"
FEMALE, MALE = "kvinna", "man"
# Concepts of the lexicon this module reads; the importer refuses a lexicon without them.
CONCEPTS = (FEMALE, MALE, "barn", "aldre", "vuxen", "offer", "slar")
AGE_CONCEPT = re.compile(r"^alder-(\d{1,3})$")  # "nian" -> alder-15, "spädbarn" -> alder-0

# Grammar, not domain policy: pronouns, and the little words that say who does what.
PRONOUNS = {"hon": FEMALE, "henne": FEMALE, "she": FEMALE, "han": MALE, "honom": MALE,
            "he": MALE, "him": MALE}
POSSESSIVE_PRONOUNS = frozenset({"her", "his"})  # "her husband": not a person of its own
AGENT_CUES = frozenset({"av", "fran", "by", "from"})  # "slagen av sin man"
TARGET_CUES = frozenset({"mot", "against", "towards", "pa"})  # "våld mot kvinna"
PASSIVE = frozenset({"blir", "blev", "blivit", "bli", "is", "was", "been", "got", "gets",
                     "being", "har", "hade", "ar", "var"})
SKIPPABLE = frozenset({"sin", "sitt", "sina", "hennes", "hans", "min", "mitt", "mina", "din",
                       "deras", "her", "his", "their", "my", "the", "a", "an", "en", "ett",
                       "som", "who", "that", "har", "hade", "has", "had", "ska", "will",
                       "f", "d", "fd", "ex", "nya", "gamla", "forra", "nuvarande", "egen",
                       "egna", "own", "former", "new", "old", "aldre", "yngre", "vuxna",
                       "vuxne", "stora", "lilla", "tidigare", "nu", "now", "ofta", "often",
                       "upprepat", "repeatedly", "ibland", "sometimes", "och", "and"})
# "man" is also the Swedish "one": "hur anmäler man", "man kan ringa".
MAN_PRONOUN_BEFORE = frozenset({"hur", "var", "nar", "vad", "vart", "kan", "ska", "skall",
                                "bor", "maste", "far", "gor", "vet", "om", "brukar",
                                "behover", "innan", "sa", "da", "kanske", "ocksa", "eller"})
MAN_PRONOUN_AFTER = frozenset({"kan", "ska", "skall", "bor", "maste", "far", "behover", "gor",
                               "ringer", "anmaler", "kontaktar", "vet", "inte", "ju", "alltid",
                               "aldrig", "da", "sa", "hanvisa", "hanvisar", "gora", "anmala"})


@dataclass
class Mention:
    """One word that stands for a person, and what the sentence says that person does."""

    index: int
    gender: str | None = None
    group: str | None = None
    age: int | None = None
    harmed: bool = False  # the violence is done to them
    harms: bool = False  # they do it


def _man_is_pronoun(toks: list[str], i: int) -> bool:
    before = toks[i - 1] if i > 0 else ""
    after = toks[i + 1] if i + 1 < len(toks) else ""
    return before in MAN_PRONOUN_BEFORE or after in MAN_PRONOUN_AFTER


def _near(toks: list[str], i: int, step: int, reach: int) -> list[int]:
    """Indices next to i in one direction, passing over little words that change nothing."""
    out, j = [], i + step
    while 0 <= j < len(toks) and len(out) < reach:
        out.append(j)
        if toks[j] not in SKIPPABLE:
            break
        j += step
    return out


def mentions(toks: list[str], at: dict[int, set[str]], ages: list[tuple[int, int]],
             skip: frozenset[int]) -> list[Mention]:
    """Every person the question mentions, in order, with the role the grammar gives it.

    `at` maps a token index to the lexicon concepts found there; `ages` are (age, index).
    """
    found: list[Mention] = []
    age_at = {i: a for a, i in ages}
    for i, tok in enumerate(toks):
        if i in skip:
            continue
        concepts = at.get(i, set())
        gender = PRONOUNS.get(tok)
        if tok in POSSESSIVE_PRONOUNS and i + 1 < len(toks) and toks[i + 1] not in SKIPPABLE:
            gender = None
        if gender is None:
            if FEMALE in concepts:
                gender = FEMALE
            elif MALE in concepts and not (tok == "man" and _man_is_pronoun(toks, i)):
                gender = MALE
        group = None
        age = age_at.get(i)
        for c in concepts:
            m = AGE_CONCEPT.match(c)
            if m:
                age = int(m.group(1))
        if "barn" in concepts:
            group = CHILD
        elif "aldre" in concepts:
            group = OLDER
        elif "vuxen" in concepts:
            group = ADULT
        if gender is None and group is None and age is None:
            continue
        found.append(Mention(i, gender, group, age))
    found = _merge_ages(found)
    for m in found:
        before = _near(toks, m.index, -1, 3)
        after = _near(toks, m.index, 1, 3)
        if any(toks[j] in AGENT_CUES for j in before):
            m.harms = True
        elif any("slar" in at.get(j, ()) or toks[j] in TARGET_CUES for j in before):
            m.harmed = True
        if not m.harms and any("offer" in at.get(j, ()) for j in after):
            m.harmed = True
        elif not m.harmed and any("slar" in at.get(j, ()) for j in after):
            passive = any(toks[j] in PASSIVE for j in after) and any(
                "offer" in at.get(j, ()) for j in after)
            m.harms = not passive
    # an age written beside a person ("kvinna 34 år", "34-årig kvinna") is that person's
    loose = [(a, i) for a, i in ages if not any(m.index == i for m in found)]
    for age, i in loose:
        near = [m for m in found if abs(m.index - i) <= 3 and m.age is None]
        if near:
            min(near, key=lambda m: abs(m.index - i)).age = age
    return found


def _merge_ages(found: list[Mention]) -> list[Mention]:
    """"kvinna 34 år", "34-årig kvinna", "pojke, 15": the age is the person's beside it."""
    people = [m for m in found if m.gender or m.group]
    out = []
    for m in found:
        if m.gender is None and m.group is None and m.age is not None:
            near = [p for p in people if p.age is None and abs(p.index - m.index) <= 2]
            if near:
                min(near, key=lambda p: (abs(p.index - m.index), p.index > m.index)).age = m.age
                continue
        out.append(m)
    return out


def _group(age: int | None) -> str | None:
    if age is None:
        return None
    return CHILD if age < ADULT_FROM else OLDER if age >= OLDER_FROM else ADULT


def choose(found: list[Mention], ages: list[tuple[int, int]], about: str | None,
           concepts: dict[str, float]) -> Person:
    """The person the question is about. `about` comes from the topic: "barn" (the child
    is the person), "utovare" (the one who uses violence is), or None (the one harmed)."""
    if about == "utovare":
        pool = [m for m in found if m.harms] or [m for m in found if not m.harmed]
    elif about == "barn":
        pool = [m for m in found if (m.group == CHILD or (m.age is not None and m.age < 18))]
        pool += [m for m in found if m.group is None and m.age is None and not m.harms
                 and m not in pool and m.gender is None]
    else:
        pool = ([m for m in found if m.harmed] + [m for m in found if not m.harms
                                                  and not m.harmed])
    chosen = pool[0] if pool else None
    age = chosen.age if chosen else None
    if age is None and about != "utovare":
        free = [a for a, i in ages if not any(m.index == i and m is not chosen for m in found)]
        if about == "barn":
            free = [a for a in free if a < ADULT_FROM]
        if len(free) == 1 or (free and about == "barn"):
            age = min(free) if about == "barn" else free[0]
    group = _group(age) or (chosen.group if chosen else None)
    if group is None:
        if about == "barn":
            group = CHILD
        elif concepts.get("aldre", 0.0) >= 0.9 and about != "utovare":
            group = OLDER
    gender = chosen.gender if chosen else None
    if chosen is not None and gender is None:
        later = [m for m in found if m.index > chosen.index and m.gender and not m.harms
                 and m.group in (None, chosen.group)]
        if later and (chosen.harmed == later[0].harmed or not chosen.harmed):
            gender = later[0].gender
    child_harmed = about == "utovare" and (
        concepts.get("barn", 0.0) >= 0.9
        or any(m.group == CHILD or (m.age is not None and m.age < 18)
               for m in found if m is not chosen))
    return Person(age=age, group=group, gender=gender, uses_violence=about == "utovare",
                  child_harmed=child_harmed)
