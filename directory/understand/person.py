"""Who a question is about: age, group, gender, and whether it is the one who uses violence.

The words are data (lexicon concepts: `kvinna`, `man`, `barn`, `minderarig`, `aldre`,
`vuxen`, `offer`, `slar`, `skada`, relations such as `partner`, ages as `alder-<n>`);
`mentions.py` finds the person words and what the grammar says each one does, and this
module chooses the one the question is about. "Man,
45, slagen av sin fru" is about a man; "kvinna misshandlad av sin man" about a woman; "han
slår henne" about her; "hennes man hotar" about her too; "pappa som slår sin dotter"
about the daughter, unless the question is about the one who uses violence.
"""
from __future__ import annotations

import dataclasses

from directory.model import Person
from directory.understand.grammar import (
    ADULT,
    ADULT_FROM,
    CHILD,
    FEMALE,
    MALE,
    OFFSPRING,
    OLDER,
    OLDER_FROM,
    PARENT,
    PERCEIVE,
    PRONOUNS,
    USES_VIOLENCE,
    VIOLENCE,
)
from directory.understand.mentions import Mention as Mention
from directory.understand.mentions import PersonWords as PersonWords
from directory.understand.mentions import mentions as mentions
from directory.understand.merging import relatives_ages as relatives_ages
from directory.understand.model import MAN_HEAD
from directory.vocabulary import PERPETRATOR_TAG


def _group(age: int | None) -> str | None:
    if age is None:
        return None
    return CHILD if age < ADULT_FROM else OLDER if age >= OLDER_FROM else ADULT


def _is_child(m: Mention) -> bool:
    return m.group == CHILD or (m.age is not None and m.age < ADULT_FROM)


def _own_child_harmed(found: list[Mention], chosen: Mention | None,
                      concepts: dict[str, float]) -> bool:
    """"En mamma … har slagit sin dotter": a parent's son or daughter harmed, no age said,
    is taken for a child (the contract: then the report about the child comes first)."""
    return concepts.get(PARENT, 0.0) >= 0.9 and concepts.get(OFFSPRING, 0.0) >= 0.9 and any(
        m.harmed and m.relation and m.group is None and m.age is None
        for m in found if m is not chosen)


def any_child(found: list[Mention]) -> bool:
    """Is anyone in the question a child (by age or word)?"""
    return any(_is_child(m) for m in found if not m.possessor)


def for_the_one_who_uses_violence(about: dict[str, str | None], topic: str | None, rival: str
                                  ) -> tuple[str | None, str | None]:
    """Two topics too close to call, and the question is about the one who uses violence:
    the topic for them wins (the contract: they get help to stop), unless the other is a
    child's topic (then the report about the child comes first). `about` is the taxonomy's
    `about` of each topic."""
    of = {t: about.get(t) for t in (topic, rival) if t}
    theirs = [t for t, a in of.items() if a == PERPETRATOR_TAG]
    if theirs and CHILD not in of.values():
        return theirs[0], None
    return topic, rival


def only_adults(found: list[Mention]) -> bool:
    """Is everyone in the question an adult, one of them by a stated age ("vuxen dotter (40)
    slår sin mamma som är 61")? A son or daughter of no stated age may be a child."""
    people = [m for m in found if not m.possessor]
    return bool(people) and any(m.age is not None and m.age >= ADULT_FROM for m in people) and all(
        (m.age is not None and m.age >= ADULT_FROM) or m.group in (ADULT, OLDER) for m in people)


def under_older_age(found: list[Mention], person: Person) -> bool:
    """Is the person said to be younger than an older person ("64-årig kvinna"), and nobody
    in the question older, by age or word?"""
    return person.age is not None and person.age < OLDER_FROM and not any(
        _is_older(m) for m in found)


def older_said(found: list[Mention]) -> bool:
    """Is someone said to be older by more than a word of where ("dam 75", "pensionär",
    not only "hemsjukvården": as often where the asker works)?"""
    return any(_is_older(m) and not _only_a_group(m) for m in found if not m.possessor)


def child_harms_a_parent(found: list[Mention], at: dict[int, set[str]],
                         toks: list[str]) -> bool:
    """"mamma … hennes 16-åriga dotter slår henne", "the 14 year old who hits his mum": a
    child harms, a parent is harmed, no child is harmed and no adult harms, and nobody saw
    or heard it (a child who witnessed: "5yo saw dad beating mum" is the other topic)."""
    people = [m for m in found if not m.possessor]
    return (any(_is_child(m) and m.harms for m in people)
            and any(m.harmed and PARENT in at.get(m.index, ()) for m in people)
            and not any(m.harmed and _is_child(m) or m.harms and not _is_child(m)
                        for m in people)
            and not any(t in PERCEIVE for t in toks))


def _is_older(m: Mention) -> bool:
    return not m.possessor and (m.group == OLDER and m.age is None or (
        m.age is not None and m.age >= OLDER_FROM))


VIOLENT = ("slar", VIOLENCE)  # the lexicon's violence concepts (read by name)


def asks_for_own_help(found: list[Mention], concepts: dict[str, float]) -> bool:
    """"pappa 40 … slog sin son … vill ha hjälp med ilskan": an adult who opens the question,
    harms a child in it and asks for help to stop. The question is about them, though the
    route is the child's (the report comes first); "pojken … mamma vill att det ska sluta"
    opens with the child and is about the child."""
    if not any(concepts.get(c, 0.0) >= 0.9 for c in USES_VIOLENCE) or not any(
            concepts.get(c, 0.0) >= 0.9 for c in VIOLENT):
        return False
    people = [m for m in found if not m.possessor]
    if not people:
        return False
    first = people[0]
    if first.harmed or _is_child(first) or not (first.group or first.age is not None):
        return False
    if any(m.harms and m.gender and first.gender and m.gender != first.gender
           for m in people):
        return False  # "mamma berättar att pappa slår sonen": another one does it
    return any(_is_child(m) or m.relation for m in people[1:])


def choose(found: list[Mention], ages: list[tuple[int, int]], about: str | None,
           concepts: dict[str, float], open_topic: bool = False) -> Person:
    """The person the question is about. `about` comes from the topic: "barn" (the child
    is the person), "aldre" (the older one is), "vuxen" (an adult is: children named come
    last), "utovare" (the one who uses violence is), or None (the one harmed). An
    `open_topic` neither says whom it is about nor assumes a group (honour, SIP)."""
    people = [m for m in found if not m.possessor]
    uses_violence = about == PERPETRATOR_TAG or (bool(people) and people[0].harms and (
        any(concepts.get(c, 0.0) >= 0.9 for c in USES_VIOLENCE)
        or (people[0].described and about != CHILD)))  # "pappan som slog sonen …": the son
    if uses_violence:
        # nobody said to do it ("pappa … som blir våldsam mot frun"): the one of the other
        # gender than a partner harmed, before anyone else not harmed
        partner = _partner_harmed(found, None)
        pool = [m for m in people if m.harms] or (
            [m for m in people if not m.harmed and partner and m.gender == partner]
            + [m for m in people if not m.harmed])
    elif about == CHILD:
        pool = [m for m in people if _is_child(m) and m.harmed] + [
            m for m in people if _is_child(m)]
        pool += [m for m in people if m.harmed and m.group in (None, CHILD) and not m.harms]
        pool += [m for m in people if m.group is None and m.age is None and not m.harms
                 and m.gender is None]
    else:
        harmed = [m for m in found if m.harmed]
        neutral = [m for m in found if not m.harms and not m.harmed]
        pool = ([m for m in harmed if not m.relation] + [m for m in harmed if m.relation]
                + sorted((m for m in neutral if not m.relation and not m.possessor
                          and not m.partner), key=_only_a_group)
                + [m for m in neutral if not m.relation and not m.possessor and m.partner]
                + [m for m in neutral if m.possessor] + [m for m in neutral if m.relation])
        if about == OLDER:  # "dottern skriker åt sin mamma (91)": the older one, first
            # the one harmed, then one not said to harm, then any (a deed misread)
            older = [m for m in people if _is_older(m)]
            ranked = [m for m in older if m.harmed] + [m for m in older if not m.harms] + older
            # a word that says only "older" ("säbo", "hemtjänsten") is a weaker one
            ranked.sort(key=_only_a_group)
            pool = ranked + pool
        elif about == ADULT:  # "maken … hotar att ta barnen om hon går": about her
            pool.sort(key=_is_child)
        elif open_topic and not harmed:  # a topic that does not say whom (honour, SIP,
            # trafficking): a child named, nobody said to be harmed, is the one at risk
            # ("mamman vill att dottern 7 år ska 'klippas' på resan"), a said age first
            pool = sorted((m for m in people if _is_child(m) and not m.harms
                           and m.gender),  # a daughter, a son: not "barnen", not "ett år"
                          key=lambda m: m.age is None) + pool
    chosen = pool[0] if pool else None
    age, group, gender = _fill(chosen, found, about, uses_violence)
    if age is None and about != PERPETRATOR_TAG and not uses_violence:
        taken = {m.index for m in found if m is not chosen}
        free = [a for a, i in ages if i not in taken and not any(
            m.age == a for m in found if m is not chosen)]
        if about == CHILD:
            free = [a for a in free if a < ADULT_FROM]
        elif about == OLDER:
            free = [a for a in free if a >= OLDER_FROM]
        if len(free) == 1 or (free and about == CHILD):
            age = min(free) if about == CHILD else free[0]
    group = _group(age) or group
    if group is None:
        if about == CHILD:
            group = CHILD
        elif concepts.get("aldre", 0.0) >= 0.9 and not uses_violence:
            group = OLDER
    if gender is None and chosen is not None and not uses_violence:
        gender = _partner_of(found, chosen)
    if uses_violence and chosen is not None:
        if gender is None:  # "16-åring slår sin flickvän": her partner
            gender = _partner_harmed(found, chosen)
        speaker = [m for m in found if m.patient and m.index < chosen.index and not m.harmed]
        if group is None and speaker and (chosen.gender or chosen.age is None):
            group = speaker[0].group  # "klient … medger att han slagit frun"
        if group is None and age is None and gender is not None and not _is_child(chosen) \
                and not concepts.get("minderarig", 0.0) >= 0.9:
            group = ADULT  # "man … vill ha hjälp att sluta slå": nothing says younger
    child_harmed = uses_violence and (
        # a child's word, unless it is the one who uses violence ("16-åringen slår sin mamma")
        (concepts.get("barn", 0.0) >= 0.9 and (chosen is None or not _is_child(chosen)))
        or any(_is_child(m) for m in found if m is not chosen and not m.possessor)
        or _own_child_harmed(found, chosen, concepts))
    return Person(age=age, group=group, gender=gender, uses_violence=uses_violence,
                  child_harmed=child_harmed)


# The model's gender head overrules the rules' reading from this probability on: chosen by
# running blind sets again as they stood when first run (docs/understanding.md)
PERSON_SURE = 0.8


def seconded(person: Person, heads: dict[str, float]) -> Person:
    """The rules' person, its gender corrected where the model's gender head (learnt from
    examples saying whom they are about) is sure. Only a gender the rules read is
    corrected: where they found none the question did not say it, and none is guessed.
    (Leaving alone the gender of one the rules read as using violence was tried: where the
    two disagree the rules had more often misread who uses it. A group head was tried too
    and not kept: it took "mamma med två barn" for a child.)"""
    man = heads.get(MAN_HEAD)
    if not person.gender or man is None or 1 - PERSON_SURE < man < PERSON_SURE:
        return person
    return dataclasses.replace(person, gender=MALE if man >= PERSON_SURE else FEMALE)


def _only_a_group(m: Mention) -> bool:
    """A word that says only "older" and no more ("home care", "hemtjänsten", "säbo": as
    often the asker's workplace as the person): a weaker sign of whom the question is about
    than a woman, a man, an age (as among older people, `choose`)."""
    return m.group == OLDER and m.gender is None and m.age is None and not m.patient


def _fill(chosen: Mention | None, found: list[Mention], about: str | None,
          uses_violence: bool) -> tuple[int | None, str | None, str | None]:
    """The chosen person's age, group and gender, completed from the other words for the
    same person: "Woman with injuries ... her husband hit her" (her = the woman), "17-åring
    ... hon" (the pronoun gives the gender)."""
    if chosen is None:
        return None, None, None
    age, group, gender = chosen.age, chosen.group, chosen.gender
    beside = [m for m in found if 0 < m.index - chosen.index <= 2 and m.gender is None
              and m.age is not None and not m.possessor and m.harms == chosen.harms]
    if age is None and beside:  # "sin pappa, pensionär 72, …": the same person, said again
        age = beside[0].age
        group = _group(age) or group
    same = [m for m in found if m is not chosen and not m.relation
            and (chosen.partner or not m.partner)  # the one she is with is another
            and m.harms == chosen.harms and (gender is None or m.gender in (None, gender))]
    if gender is None:  # "15-åring … äldre män hämtar henne": a pronoun after the person
        # refers back to them; another noun is another person
        back = [m for m in same if m.index > chosen.index and m.gender and not m.possessor
                and m.word in PRONOUNS]
        # ... unless a noun stands right beside them: "Patient, 35, woman, … he tracks her"
        beside = [m for m in same if 0 < m.index - chosen.index <= 2 and m.gender
                  and not m.possessor and m.word not in PRONOUNS]
        same = beside + back + [m for m in same if m not in back and m not in beside]
        # "patient, misshandlad av exmannen …, han sitter i fängelse. Hon mår dåligt": a
        # word of the gender of a partner or relative who harms is more likely theirs
        harmers = {m.gender for m in found if m.harms and m.relation and m.gender}
        if not chosen.harms:
            same.sort(key=lambda m: m.gender in harmers)
    for m in same:
        if gender is None and m.gender and (m.index >= chosen.index - 1 or m.possessor) and (
                m.group in (None, group) or group is None):
            gender = m.gender
        if m.gender == gender and gender is not None:
            age = age if age is not None else m.age
            group = group or m.group
            if group == ADULT and m.group == OLDER and age is None:
                group = OLDER  # "mamma …, hon är pensionär": said outright, not the word's
    if gender is None and chosen.age is not None:
        later = [m for m in found if m.index > chosen.index and m.gender and not m.harms
                 and not m.relation and (chosen.partner or not m.partner)]
        gender = later[0].gender if later else None
    if gender is None and not chosen.harms:  # "7-åringen säger att pappa sparkar henne"
        pronouns = [m for m in found if m.index > chosen.index and m.harmed and m.gender
                    and not m.relation and m.group in (None, group)]
        gender = pronouns[0].gender if pronouns else None
    if age is None and chosen.word in PRONOUNS:  # "sin pappa 76 … slår honom": the pronoun
        # is the nearest one of its gender before it, a relative too; or one of no stated
        # gender in no other role ("en 17-årig elev berättar att han slår sin mamma")
        before = [m for m in found if m.index < chosen.index and not m.possessor
                  and m.age is not None and (
                      (m.gender == chosen.gender and not m.harms) or (
                          m.gender is None and not m.relation and not m.grade
                          and not (m.harmed and chosen.harms)
                          and not (m.harms and not chosen.harms)))]
        if before:
            age = before[-1].age
            group = _group(age) or group
    if age is None:  # "en 85-åring får besök av sonen som hotar henne": her age
        said = [m for m in found if m is not chosen and not m.relation and not m.possessor
                and (m.harms == chosen.harms or m.gender == gender is not None)
                and m.age is not None
                and m.gender in (None, gender) and (group is None or m.group in (None, group)
                                                    or _group(m.age) == group)]
        if said:
            age = said[0].age
            group = group if group is not None and _group(age) is None else _group(age)
    return age, group, gender


def _partner_harmed(found: list[Mention], chosen: Mention | None) -> str | None:
    """"slår sin flickvän", "hit his wife": the one who uses violence against a partner of
    one gender is, most often, of the other (a guess only where nothing says otherwise)."""
    partners = [m for m in found if m.harmed and m.couple and m.gender and m is not chosen]
    if len({m.gender for m in partners}) == 1:
        return FEMALE if partners[0].gender == MALE else MALE
    return None


def _partner_of(found: list[Mention], chosen: Mention) -> str | None:
    """"pt berättar om våld från maken": a partner who harms her says whom it is about."""
    partners = [m for m in found if m.harms and m.relation and m.gender]
    if len({m.gender for m in partners}) == 1 and not _is_child(chosen):
        return FEMALE if partners[0].gender == MALE else MALE
    return None
