"""The people a question mentions: each person word (the lexicon's `kvinna`, `man`,
`patient`, relations, ages) becomes a `Mention`, and the grammar around it (`grammar.py`)
says whether that one does the violence, is harmed by it, or is someone's relation.
`person.py` chooses among them the one the question is about.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from directory.understand.grammar import (
    ADULT,
    ADULT_FROM,
    ADULT_NOUNS,
    AGE_CONCEPT,
    AGENT_CUES,
    CHILD,
    CONCEPTS,
    ENGLISH_BEFORE_MEN,
    FEMALE,
    HURT_VERBS,
    MALE,
    NOT_OWNED,
    OBJECT_PRONOUNS,
    OLDER,
    OWNERS,
    PAID,
    PARTNERS,
    PASSIVE,
    PATIENT,
    PERCEIVE,
    POSSESSORS,
    PRONOUNS,
    RELATIONS,
    RELATIVE,
    SCHOOL_YEAR,
    SKIPPABLE,
    STRANGLE,
    SUBJECT_PRONOUNS,
    YOUNG_PATIENTS,
    acts_on_own,
    aimed_at,
    armed,
    bare_age,
    in_age_phrase,
    man_is_pronoun,
    nearby,
    object_after,
    owned,
    participle,
    reduced_passive,
    subject_between,
    target_of,
    with_someone,
    worried_about,
)
from directory.understand.merging import (
    merge_ages,
    merge_apart_ages,
    merge_said_groups,
    relatives_ages,
    said_outright,
)
from directory.understand.text import is_stop, original_words, tokens, words

NONE_OF = frozenset({"inga", "ingen", "inget", "no"})  # "de har inga barn": nobody is there
USES = "utovare"  # "uses violence", "utövar våld": the lexicon's one who uses violence
HARMED_AFTER = frozenset({"slar", STRANGLE})  # "slår henne", "stryptag på henne"
HELD = "gripen"  # "anhållen", "polisen tog med honom": the one held is the one who harmed
HELD_BEFORE, HELD_AFTER = 3, 2  # "polisen tog med honom", "maken är anhållen"


SHORTHAND = {"K": FEMALE, "F": FEMALE, "M": MALE}  # "K 34": kvinna, 34 år
GLUED = re.compile(r"(\d{1,3})([KFM])")  # "22F", "45M"
MAX_AGE = 110
# capitalised words before a number that are no names: rooms, wards, weeks, laws, times
NOT_NAMES = frozenset({"avd", "avdelning", "rum", "sal", "sang", "plan", "vecka", "v", "kl",
                       "nr", "dag", "hus", "rad", "pass", "buss", "linje", "sida", "room",
                       "ward", "bed", "floor", "level", "week", "day", "page", "bus", "lag",
                       "kap", "kapitel", "paragraf", "sol", "lvu", "lvm", "icd", "steg", "fas",
                       "grupp", "klass", "ak", "arskurs", "year", "grade", "age", "alder",
                       "port", "uppgang", "vaning", "lgh", "box", "tel", "tfn", "bil"})


class PersonWords:
    """The lexicon's person words matched as written (folded, never stemmed: "maken" and
    "makan" share a stem but not a gender). Built once per lexicon."""

    def __init__(self, concepts: dict[str, dict[str, tuple[str, ...]]]) -> None:
        wanted = set(CONCEPTS) | set(RELATIONS) | {USES, HELD}
        self.single: dict[str, set[str]] = {}  # a word as written (å/ä/ö kept) or folded
        self.multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for name, langs in concepts.items():
            if name not in wanted and not AGE_CONCEPT.match(name):
                continue
            for terms in langs.values():
                for term in terms:
                    for key in {tuple(words(term)), tuple(tokens(term))}:
                        if len(key) == 1:
                            self.single.setdefault(key[0], set()).add(name)
                        elif key:
                            self.multi.setdefault(key[0], []).append((key, name))

    def at(self, text: str, places: Collection[int] = ()) -> dict[int, set[str]]:
        """Token index -> the person concepts found there (a phrase counts at its start).
        A word typed with å/ä/ö is looked up only as written: "får" is not "far". A name
        and an age ("hos Gunnar 84", "Ahmed 29, autism, …") is a person; `places` are the
        words that name a place, never a name."""
        typed = words(text)
        folded = tokens(text)
        keys = [w if w != f else f for w, f in zip(typed, folded, strict=False)]
        out: dict[int, set[str]] = {}
        ends: dict[int, set[str]] = {}
        longest: dict[int, tuple[int, str]] = {}  # start -> the longest age phrase there
        for i, key in enumerate(keys):
            found = set(self.single.get(key, ()))
            for phrase, name in self.multi.get(key, ()):
                n = len(phrase)
                if tuple(keys[i:i + n]) == phrase or tuple(folded[i:i + n]) == phrase and \
                        typed[i:i + n] == folded[i:i + n]:
                    found.add(name)
                    if AGE_CONCEPT.match(name):
                        if n > longest.get(i, (1, ""))[0]:
                            longest[i] = (n, name)
                    else:
                        ends.setdefault(i + n - 1, set()).add(name)  # "sin make": the noun
            if found:
                out[i] = found
        for i, names in ends.items():
            out.setdefault(i, set()).update(names)
        # the clinic's shorthand "K 34", "M 45", "F 30": a capital letter and an age; a name
        # and an age: a person of no stated gender (a pronoun later may give it)
        as_typed = original_words(text)
        if len(as_typed) != len(folded):  # a rare text the two split apart: no names read
            as_typed = []
        for i, word in enumerate(as_typed):  # "22F": the age and the letter in one word
            if (m := GLUED.fullmatch(word)) and int(m.group(1)) <= MAX_AGE:
                out.setdefault(i, set()).add(SHORTHAND[m.group(2)])
        for i, word in enumerate(as_typed[:-1]):
            age = folded[i + 1]
            if not (age.isdecimal() and int(age) <= MAX_AGE) or (
                    i + 2 < len(folded) and folded[i + 2].isdecimal()):  # "Mora 14:30"
                continue
            if word in SHORTHAND:
                out.setdefault(i, set()).add(SHORTHAND[word])
            elif (len(word) > 2 and word[0].isupper() and word[1:].islower() and i not in out
                  and i not in places and folded[i] not in NOT_NAMES and not is_stop(folded[i])):
                out[i] = {PATIENT}
        # "gymnasieelev i ettan" says one age (16), not "gymnasieelev" (17) and "ettan" (7)
        for i, (n, name) in longest.items():
            for j in range(i, i + n):
                kept = {c for c in out.get(j, ()) if not AGE_CONCEPT.match(c)}
                kept |= {name} if j == i else set()
                if kept:
                    out[j] = kept
                else:
                    out.pop(j, None)
        return out


def glued_ages(text: str, toks: list[str]) -> list[tuple[int, int]]:
    """(age, token index) of the clinic's shorthand typed as one word, "22F", "45M" (a capital
    letter: "10m" is ten metres, "15k" fifteen thousand); `toks` are the text's tokens."""
    typed = original_words(text)
    if len(typed) != len(toks):
        return []  # a rare text the two split apart
    return [(int(m.group(1)), i) for i, word in enumerate(typed)
            if (m := GLUED.fullmatch(word)) and int(m.group(1)) <= MAX_AGE]


@dataclass
class Mention:
    """One word that stands for a person, and what the sentence says that person does."""

    index: int
    gender: str | None = None
    group: str | None = None
    age: int | None = None
    harmed: bool = False  # the violence is done to them
    harms: bool = False  # they do it
    relation: bool = False  # a partner, parent, sibling ... of someone else in the question
    possessor: bool = False  # "hennes" in "hennes man": the one the relation belongs to
    described: bool = False  # "tjej 17 som slår sin pojkvän": the question is about them
    grade: bool = False  # "går i åttan": an age said by a word, belongs to the one before
    by_grade: bool = False  # this one's age was read from a school year
    patient: bool = False  # "brukaren", "pt": a person of no stated gender or age
    partner: bool = False  # "exmaken", "pojkvännen" not owned by anyone in the question
    couple: bool = False  # a partner word at all: "sin fru", "flickvännen"
    word: str = ""  # the token itself


def held(toks: list[str], at: dict[int, set[str]], m: Mention, people: Collection[int],
         starts: Collection[int]) -> bool:
    """Is this person the one held by the police: a word of arrest after ("maken är
    anhållen") or, for an object ("polisen tog med honom"), before, in its sentence, no one
    else between ("mannen är gripen, hon undrar …": she is not)."""
    if any(at.get(k, set()) & {"slar", "offer"} for k in range(max(0, m.index - 3), m.index)):
        return False  # "the man who assaulted my patient was arrested": the deed's object
    first = m.index - HELD_BEFORE if toks[m.index] in OBJECT_PRONOUNS else m.index
    for p in range(max(0, first), m.index + HELD_AFTER + 1):
        if HELD in at.get(p, ()):
            lo, hi = min(p, m.index), max(p, m.index)
            if not any(lo < k <= hi for k in starts) and not any(
                    lo < k < hi for k in people if k != m.index):
                return True
    return False


def mentions(toks: list[str], at: dict[int, set[str]], ages: list[tuple[int, int]],
             skip: frozenset[int], starts: Collection[int] = (),
             apart: Collection[int] = (), bracketed: Collection[int] = ()) -> list[Mention]:
    """Every person the question mentions, in order, with the role the grammar gives it.

    `at` maps a token index to the lexicon concepts found there; `ages` are (age, index),
    those at `apart` a bare number set apart by commas or (`bracketed`) in brackets.
    """
    found: list[Mention] = []
    age_at = {i: a for a, i in ages}
    for i, tok in enumerate(toks):
        if i in skip:
            continue
        if in_age_phrase(toks, i):
            continue  # "19-year-old", "77 år gammal": part of an age, not a person
        concepts = at.get(i, set())
        if tok == "men" and (i == 0 or toks[i - 1] not in ENGLISH_BEFORE_MEN):
            concepts = concepts - {MALE}  # Swedish "men" ("but")
        if tok == "far" and i + 1 < len(toks) and toks[i + 1] == "illa":
            continue  # "far illa": fares badly, no father
        if i > 0 and toks[i - 1] in NONE_OF:
            continue  # "inga barn", "no kids": nobody
        own = concepts - (at.get(i + 1, set()) & set(RELATIONS))
        if own and own <= {"vuxen", "aldre"} and (
                PRONOUNS.get(tok) is None and at.get(i + 1, set()) & {FEMALE, MALE}):
            continue  # "vuxna dottern", "äldre kvinna", "vuxen son": the noun after is the
            # person (a phrase's concept found at both words is the noun's)
        if tok in POSSESSORS and i + 1 < len(toks) and i + 1 not in skip and toks[i + 1] not in (
                SKIPPABLE | NOT_OWNED | PRONOUNS.keys()):  # "hits her. Hedemora": no owner
            found.append(Mention(i, POSSESSORS[tok], possessor=True, word=tok))
            continue
        gender = PRONOUNS.get(tok)
        if gender is None:
            if FEMALE in concepts:
                gender = FEMALE
            elif MALE in concepts and not (tok == "man" and man_is_pronoun(toks, i)):
                gender = MALE
        said_ages = [int(hit.group(1)) for hit in map(AGE_CONCEPT.match, concepts) if hit]
        # one age concept a word, the longest phrase's (PersonWords.at); max() if ever more,
        # so that no set order decides
        age = max(said_ages) if said_ages else age_at.get(i)
        prev = at.get(i - 1, set()) if i > 0 and not in_age_phrase(toks, i - 1) else set()
        if not concepts and gender is None:
            prev = set()  # "hemtjänsten i ...": only a person word is an older person
        if "aldre" in concepts or "aldre" in prev:
            group = OLDER
        elif "vuxen" in prev and "barn" not in concepts:
            group = ADULT
        elif "barn" in concepts or "minderarig" in concepts:
            group = CHILD
        elif "vuxen" in concepts or (tok in ADULT_NOUNS and gender is not None) or (
                PATIENT in concepts and tok not in YOUNG_PATIENTS):
            group = ADULT
        else:
            group = None
        if gender is None and group is None and age is None and PATIENT not in concepts:
            continue
        if age is None and (gender or group or PATIENT in concepts):
            age = bare_age(toks, i)
        relation = any(c in concepts for c in RELATIONS) and (
            bool(found) or owned(toks, i))  # "mamma med två barn": the first is the subject
        couple = any(c in concepts for c in PARTNERS)
        # "tjej 16 med en svartsjuk kille": a noun after "med" is the one she is with
        companion = bool(found) and gender is not None and tok not in PRONOUNS and (
            with_someone(toks, i))
        grade = age is not None and gender is None and group is None and (
            bool(said_ages) or (i > 0 and toks[i - 1] in SCHOOL_YEAR))  # "kille i åk 7"
        found.append(Mention(i, gender, group, age, relation=relation, word=tok,
                             patient=PATIENT in concepts,
                             partner=(couple and not owned(toks, i)) or companion,
                             couple=couple, grade=grade))
    found = merge_apart_ages(found, apart, starts, bracketed)
    theirs = relatives_ages(at, bracketed)  # "sambon (20)": not the person's age
    found = [m for m in found if m.index not in theirs]
    found, consumed = merge_ages(toks, found, starts)
    found = merge_said_groups(toks, found)
    said_outright(found, toks)
    people_at = {m.index for m in found if not m.possessor and (m.gender or m.patient)}
    for m in found:
        if m.possessor:
            continue
        before = nearby(toks, m.index, -1, 2)
        after = nearby(toks, m.index, 1, 3)
        # "av sin man", not "våld från sambon, hon vill …": a relation between is the agent
        agent = [j for j in before[:3] if toks[j] in AGENT_CUES and not any(
            at.get(k, set()) & set(RELATIONS) and toks[k] not in OWNERS
            for k in range(j + 1, m.index))]
        if held(toks, at, m, people_at, starts):
            m.harms = True  # "polisen tog med honom", "sambon greps": held for what he did
        elif acts_on_own(toks, at, m.index):
            m.harms = True  # "slog sonen sin mamma": the one before "sin" acts
        elif agent and _is_agent(toks, at, agent[0], m):
            m.harms = True
        elif agent or (toks[m.index] not in SUBJECT_PRONOUNS and any(
                at.get(j, set()) & HARMED_AFTER for j in before)) or target_of(
                    toks, m.index) or aimed_at(toks, at, m.index):
            m.harmed = True
        hurt_after = [j for j in after if at.get(j, set()) & {"offer", "skada"}]
        verb_after = [j for j in after if "slar" in at.get(j, set())]
        # "24 år" is no "är"; "is 22 and hits her" no passive; an auxiliary after the verb
        # belongs to the next clause ("he'll kill her, that was last month")
        # "he is abusing her", "was beating": an English -ing after "is" is his own deed
        passive = any(toks[j] in PASSIVE and not (toks[j] == "ar" and toks[j - 1].isdigit())
                      and not (j + 1 < len(toks) and toks[j + 1].isdigit())
                      and not (verb_after and j > verb_after[0]) for j in after) and not (
            verb_after and toks[verb_after[0]].endswith("ing"))
        if verb_after and subject_between(toks, people_at, m.index, verb_after[0]):
            verb_after = []  # "kvinna, hennes familj hotar henne": the family does it
        deeds = [j for j in after if at.get(j, set()) & {"slar", "offer"} or (
            toks[j] in HURT_VERBS and object_after(toks, j))]  # "skada sin fru"
        if deeds and subject_between(toks, people_at, m.index, deeds[0]):
            deeds = []
        acts = bool(deeds) and not passive and object_after(toks, deeds[0]) and not (
            reduced_passive(toks, deeds[0]))  # "woman beaten by her boyfriend"
        if not m.harms and not m.harmed and toks[m.index] not in OBJECT_PRONOUNS and (
                acts or armed(toks, at, m.index, people_at)):
            m.harms = True  # "kompisen våldtog henne", "han står utanför med kniv"
        elif not m.harms and (hurt_after or (passive and verb_after) or (
                verb_after and reduced_passive(toks, verb_after[0])) or worried_about(
                toks, m.index, m.group == CHILD or (m.age is not None and m.age < ADULT_FROM))):
            m.harmed = True
        elif not m.harmed and verb_after and (toks[m.index] not in OBJECT_PRONOUNS or (
                m.index > 0 and toks[m.index - 1] in PERCEIVE)) and not (
                passive and participle(toks, verb_after)):
            m.harms = True
            m.described = any(toks[j] in ("som", "who") for j in after if j < verb_after[0])
        if not m.harms and not m.harmed and m.index + 1 < len(toks) and toks[
                m.index + 1] in RELATIVE and any(USES in at.get(j, ()) for j in after):
            m.harms = m.described = True  # "a man who uses violence", "man som utövar våld"
    # "my patient was beaten by her husband": the owner after "by" is the one harmed
    for m in found:
        if m.harmed and m.gender is None and not m.possessor:
            owner = [p for p in found if p.word in POSSESSORS and 0 < p.index - m.index <= 6
                     and toks[p.index - 1] in AGENT_CUES]
            if owner:
                m.gender = owner[0].gender
    # an age written beside a person ("kvinna 34 år", "34-årig kvinna") is that person's
    loose = [(a, i) for a, i in ages if i not in consumed and i not in theirs
             and not any(m.index == i for m in found)]
    for age, i in loose:
        near = [m for m in found if abs(m.index - i) <= 3 and m.age is None and not m.possessor]
        if near:
            min(near, key=lambda m: abs(m.index - i)).age = age
    return found


def _is_agent(toks: list[str], at: dict[int, set[str]], cue: int, m: Mention) -> bool:
    """"slagen av sin man", "våld från maken", "hit by him": the one after the cue does it;
    but "exploatering av en flicka", "misshandel av barn": a deed's noun before "av" makes
    the one after it the one it is done to, unless that one is a relation or a stranger."""
    if toks[cue] != "av" or m.relation:
        return True
    j = cue - 1
    while j >= 0 and toks[j] in SKIPPABLE:
        j -= 1
    return j < 0 or "offer" in at.get(j, set()) or "slar" in at.get(j, set()) or toks[j] in PAID
