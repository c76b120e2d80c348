"""Who a question is about: age, group, gender, and whether it is the one who uses violence.

The words are data (lexicon concepts: `kvinna`, `man`, `barn`, `minderarig`, `aldre`,
`vuxen`, `offer`, `slar`, `skada`, relations such as `partner`, ages as `alder-<n>`); this
module holds the grammar that says which person in the question a word belongs to. "Man,
45, slagen av sin fru" is about a man; "kvinna misshandlad av sin man" about a woman; "han
slår henne" about her; "hennes man hotar" about her too; "pappa som slår sin dotter"
about the daughter, unless the question is about the one who uses violence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from directory.model import Person
from directory.understand.text import tokens, words

ADULT_FROM, OLDER_FROM = 18, 65
CHILD, ADULT, OLDER = "barn", "vuxen", "aldre"
FEMALE, MALE = "kvinna", "man"
# Concepts of the lexicon this module reads; the importer refuses a lexicon without them.
PATIENT = "patient"  # "pt", "brukaren", "klienten": a person, of no stated gender or age
WEAPON = "vapen"  # "han står utanför med kniv": the one with the weapon is the one who harms
CONCEPTS = (FEMALE, MALE, PATIENT, "barn", "minderarig", "aldre", "vuxen", "offer", "slar",
            "skada", WEAPON)
RELATIONS = ("partner", "pojkvan", "foralder", "syskon", "sondotter", "farmor", "forovare")
PARTNERS = ("partner", "pojkvan")  # "exmaken står i väntrummet": with no verb, likely the one
USES_VIOLENCE = ("sluta", "utovare", "ilska")  # concepts that say the asker means them
AGE_CONCEPT = re.compile(r"^alder-(\d{1,3})$")  # "nian" -> alder-15, "spädbarn" -> alder-0

# Grammar, not domain policy: pronouns, and the little words that say who does what.
PRONOUNS = {"hon": FEMALE, "henne": FEMALE, "she": FEMALE, "her": FEMALE, "han": MALE,
            "honom": MALE, "he": MALE, "him": MALE}
YOUNG_PATIENTS = frozenset({"elev", "eleven", "student", "studenten"})  # no age implied
OWNERS = frozenset({"sin", "sitt", "sina", "hennes", "hans", "min", "mitt", "mina", "din",
                    "deras", "her", "his", "their", "my", "your", "vara", "our", "vars",
                    "whose"})
# after "her"/"his" these say it is not "her husband" but "hits her when ..."
NOT_OWNED = frozenset({"nu", "now", "att", "to", "when", "because", "if", "in", "at", "with",
                       "again", "every", "for", "so", "but", "after", "before", "while",
                       "up", "down", "out", "off", "on", "or", "of", "till", "med", "nar",
                       "och", "and", "badly", "hard", "too", "also", "there", "here"})
SUBJECT_PRONOUNS = frozenset({"han", "hon", "he", "she"})  # never the one a verb before hits
OBJECT_PRONOUNS = frozenset({"henne", "honom", "him", "her"})  # never the one who does it
POSSESSORS = {"hennes": FEMALE, "her": FEMALE, "hans": MALE, "his": MALE}  # "hennes man"
ADULT_NOUNS = frozenset({"kvinna", "kvinnan", "kvinnor", "man", "mannen", "woman",
                         "women", "men", "dam", "damen", "herre", "herren", "lady", "manlig",
                         "kvinnlig", "male", "female", "mamma", "mamman", "pappa", "pappan",
                         "make", "maken", "maka", "makan", "fru", "frun", "hustru", "hustrun",
                         "husband", "wife", "mother", "father", "mum", "dad"})
AGENT_CUES = frozenset({"av", "fran", "by", "from"})  # "slagen av sin man"
TARGET_CUES = frozenset({"mot", "against", "towards"})  # "våld mot kvinna"
PASSIVE = frozenset({"blir", "blev", "blivit", "bli", "is", "was", "been", "got", "gets",
                     "being", "were", "are", "ar"})
PERFECT = frozenset({"har", "hade", "has", "had"})
AGE_WORDS = frozenset({"ar", "aring", "arig", "ariga", "arige", "years", "year", "old", "yo",
                       "manader", "manad", "man", "veckor", "vecka", "months", "weeks"})
SKIPPABLE = PASSIVE | PERFECT | frozenset({
    "sin", "sitt", "sina", "hennes", "hans", "min", "mitt", "mina", "din", "deras", "her",
    "his", "their", "my", "the", "a", "an", "en", "ett", "som", "who", "that", "ska", "will",
    "f", "d", "fd", "ex", "nya", "gamla", "forra", "nuvarande", "egen", "egna", "own",
    "former", "new", "old", "yngre", "vuxna", "vuxne", "stora", "lilla", "tidigare", "nu",
    "now", "ofta", "often", "upprepat", "repeatedly", "ibland", "sometimes", "och", "and",
    "just", "right", "also", "ocksa", "aven", "inte", "not", "kan", "may", "might", "ar",
    "nagon", "nagra", "alltid", "always", "igen", "again", "been", "kanske", "ca", "cirka",
    "runt", "about", "around", "maybe", "approx"})
# "man" is also the Swedish "one": "hur anmäler man", "man kan ringa".
MAN_PRONOUN_BEFORE = frozenset({"hur", "var", "nar", "vad", "vart", "kan", "ska", "skall",
                                "bor", "maste", "far", "gor", "vet", "om", "brukar",
                                "behover", "innan", "sa", "da", "kanske", "ocksa", "eller"})
QUESTION_WORDS = frozenset({"hur", "var", "nar", "vad", "vart", "vem", "vilken", "om"})
MAN_PRONOUN_AFTER = frozenset({"kan", "ska", "skall", "bor", "maste", "far", "behover", "gor",
                               "ringer", "anmaler", "kontaktar", "vet", "inte", "ju", "alltid",
                               "aldrig", "da", "sa", "hanvisa", "hanvisar", "gora", "anmala"})
# "19-year-old", "85-åriga mamma": the age stands before the one it belongs to
ATTRIBUTIVE_AGE = frozenset({"arig", "ariga", "arige", "old", "gammal", "gamla", "gamle"})
HURT_VERBS = frozenset({"skada", "skadar", "skadade", "skadat", "hurt", "hurts", "injure",
                        "injures", "injured"})  # verbs, not the nouns "skador", "injuries"
COPULA = frozenset({"ar", "is", "var", "was"})  # "pojkvännen som är 19": the one before
# "men" is Swedish for "but"; it is the English plural only after words like these
ENGLISH_BEFORE_MEN = frozenset({"young", "older", "old", "the", "two", "three", "some", "many",
                                "gay", "adult", "for", "of", "by", "with", "violent", "and"})
NOT_AN_AGE_AFTER = frozenset({"kg", "kr", "min", "minuter", "timmar", "tim", "h", "st",
                              "procent", "gram", "cm", "mg", "ml", "dagar", "dygn", "hours",
                              "minutes", "days", "kronor", "ganger", "times", "barn",
                              "children", "kids", "veckor", "weeks"})


class PersonWords:
    """The lexicon's person words matched as written (folded, never stemmed: "maken" and
    "makan" share a stem but not a gender). Built once per lexicon."""

    def __init__(self, concepts: dict[str, dict[str, tuple[str, ...]]]) -> None:
        wanted = set(CONCEPTS) | set(RELATIONS) | {"utovare"}
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

    def at(self, text: str) -> dict[int, set[str]]:
        """Token index -> the person concepts found there (a phrase counts at its start).
        A word typed with å/ä/ö is looked up only as written: "får" is not "far"."""
        typed = words(text)
        folded = tokens(text)
        keys = [w if w != f else f for w, f in zip(typed, folded, strict=False)]
        out: dict[int, set[str]] = {}
        ends: dict[int, set[str]] = {}
        for i, key in enumerate(keys):
            found = set(self.single.get(key, ()))
            for phrase, name in self.multi.get(key, ()):
                n = len(phrase)
                if tuple(keys[i:i + n]) == phrase or tuple(folded[i:i + n]) == phrase and \
                        typed[i:i + n] == folded[i:i + n]:
                    found.add(name)
                    ends.setdefault(i + n - 1, set()).add(name)  # "sin make": the noun too
            if found:
                out[i] = found
        for i, names in ends.items():
            out.setdefault(i, set()).update(names)
        return out


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
    patient: bool = False  # "brukaren", "pt": a person of no stated gender or age
    partner: bool = False  # "exmaken", "pojkvännen" not owned by anyone in the question
    couple: bool = False  # a partner word at all: "sin fru", "flickvännen"


def _man_is_pronoun(toks: list[str], i: int) -> bool:
    """"man kan ringa", "hur gör man", "hur polisanmäler man": the pronoun "one"."""
    before = toks[i - 1] if i > 0 else ""
    after = toks[i + 1] if i + 1 < len(toks) else ""
    asked = i > 1 and toks[i - 2] in QUESTION_WORDS and before.endswith("r")
    return before in MAN_PRONOUN_BEFORE or after in MAN_PRONOUN_AFTER or asked


def _near(toks: list[str], i: int, step: int, reach: int) -> list[int]:
    """Indices next to i in one direction, passing over little words that change nothing
    (and numbers: "kvinna 38 som slår")."""
    out: list[int] = []
    j = i + step
    while 0 <= j < len(toks) and len(out) < reach + 3:
        out.append(j)
        counts = toks[j] not in SKIPPABLE and not toks[j].isdigit() and toks[j] not in AGE_WORDS
        if counts and len([k for k in out if toks[k] not in SKIPPABLE
                           and not _age_part(toks, k)]) >= reach:
            break
        j += step
    return out


def _age_part(toks: list[str], k: int) -> bool:
    """"85" and "åriga" in "85-åriga": the number of an age and its unit."""
    return toks[k].isdigit() or (toks[k] in AGE_WORDS and k > 0 and toks[k - 1].isdigit())


def _acts_on_own(toks: list[str], at: dict[int, set[str]], i: int) -> bool:
    """"sonen sin 85-åriga mamma" with a verb of harm before: the son does it."""
    reflexive = i + 1 < len(toks) and toks[i + 1] in ("sin", "sitt", "sina")
    verb = any("slar" in at.get(j, set()) for j in range(max(0, i - 2), i))
    return reflexive and verb


def _owned(toks: list[str], i: int) -> bool:
    """"sin man", "hennes pappa", "barnets mamma": a relation of someone else."""
    before = [toks[j] for j in range(max(0, i - 2), i)]
    return any(t in OWNERS or (len(t) > 3 and t.endswith("s")) for t in before)


def _bare_age(toks: list[str], i: int) -> int | None:
    """"kvinna 34", "man, 45", "pat 83": a number right after a person is their age."""
    for j in (i + 1, i + 2):
        if j < len(toks) and toks[j].isdigit():
            after = toks[j + 1] if j + 1 < len(toks) else ""
            value = int(toks[j])
            if 0 < value <= 110 and after not in NOT_AN_AGE_AFTER | ATTRIBUTIVE_AGE:
                return value
            return None
        if j < len(toks) and toks[j] not in SKIPPABLE:
            return None
    return None


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
        if _in_age_phrase(toks, i):
            continue  # "19-year-old", "77 år gammal": part of an age, not a person
        concepts = at.get(i, set())
        if tok == "men" and (i == 0 or toks[i - 1] not in ENGLISH_BEFORE_MEN):
            concepts = concepts - {MALE}  # Swedish "men" ("but")
        if tok == "far" and i + 1 < len(toks) and toks[i + 1] == "illa":
            continue  # "far illa": fares badly, no father
        if concepts and concepts <= {"vuxen", "aldre"} and PRONOUNS.get(tok) is None and (
                at.get(i + 1, set()) & {FEMALE, MALE}):
            continue  # "vuxna dottern", "äldre kvinna": the noun after is the person
        if tok in POSSESSORS and i + 1 < len(toks) and toks[i + 1] not in (
                SKIPPABLE | NOT_OWNED | PRONOUNS.keys()):
            found.append(Mention(i, POSSESSORS[tok], possessor=True))
            continue
        gender = PRONOUNS.get(tok)
        if gender is None:
            if FEMALE in concepts:
                gender = FEMALE
            elif MALE in concepts and not (tok == "man" and _man_is_pronoun(toks, i)):
                gender = MALE
        age = age_at.get(i)
        for c in concepts:
            hit = AGE_CONCEPT.match(c)
            if hit:
                age = int(hit.group(1))
        prev = at.get(i - 1, set()) if i > 0 and not _in_age_phrase(toks, i - 1) else set()
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
            age = _bare_age(toks, i)
        relation = any(c in concepts for c in RELATIONS) and (
            bool(found) or _owned(toks, i))  # "mamma med två barn": the first is the subject
        couple = any(c in concepts for c in PARTNERS)
        found.append(Mention(i, gender, group, age, relation=relation,
                             patient=PATIENT in concepts,
                             partner=couple and not _owned(toks, i), couple=couple,
                             grade=age is not None and gender is None and group is None
                             and any(AGE_CONCEPT.match(c) for c in concepts)))
    found, consumed = _merge_ages(toks, found)
    people_at = {m.index for m in found if not m.possessor and (m.gender or m.patient)}
    for m in found:
        if m.possessor:
            continue
        before = _near(toks, m.index, -1, 2)
        after = _near(toks, m.index, 1, 3)
        agent = [j for j in before[:3] if toks[j] in AGENT_CUES]
        if _acts_on_own(toks, at, m.index):
            m.harms = True  # "slog sonen sin mamma": the one before "sin" acts
        elif agent and _is_agent(toks, at, agent[0], m):
            m.harms = True
        elif agent or (toks[m.index] not in SUBJECT_PRONOUNS and any(
                "slar" in at.get(j, set()) for j in before)) or _target_of(toks, m.index):
            m.harmed = True
        passive = any(toks[j] in PASSIVE and not (toks[j] == "ar" and toks[j - 1].isdigit())
                      for j in after)  # "24 år" is no "är"
        hurt_after = [j for j in after if at.get(j, set()) & {"offer", "skada"}]
        verb_after = [j for j in after if "slar" in at.get(j, set())]
        if verb_after and _subject_between(toks, people_at, m.index, verb_after[0]):
            verb_after = []  # "kvinna, hennes familj hotar henne": the family does it
        deeds = [j for j in after if at.get(j, set()) & {"slar", "offer"} or (
            toks[j] in HURT_VERBS and _object_after(toks, j))]  # "skada sin fru"
        if deeds and _subject_between(toks, people_at, m.index, deeds[0]):
            deeds = []
        acts = bool(deeds) and not passive and _object_after(toks, deeds[0])
        if not m.harms and not m.harmed and toks[m.index] not in OBJECT_PRONOUNS and (
                acts or _armed(toks, at, m.index)):
            m.harms = True  # "kompisen våldtog henne", "han står utanför med kniv"
        elif not m.harms and (hurt_after or (passive and verb_after) or (
                verb_after and _reduced_passive(toks, verb_after[0]))):
            m.harmed = True
        elif not m.harmed and verb_after and toks[m.index] not in OBJECT_PRONOUNS and not (
                passive and _participle(toks, verb_after)):
            m.harms = True
            m.described = any(toks[j] in ("som", "who") for j in after if j < verb_after[0])
    # an age written beside a person ("kvinna 34 år", "34-årig kvinna") is that person's
    loose = [(a, i) for a, i in ages if i not in consumed
             and not any(m.index == i for m in found)]
    for age, i in loose:
        near = [m for m in found if abs(m.index - i) <= 3 and m.age is None and not m.possessor]
        if near:
            min(near, key=lambda m: abs(m.index - i)).age = age
    return found


def _in_age_phrase(toks: list[str], i: int) -> bool:
    """"old" in "19 year old", "gammal" in "77 år gammal": a word of the age, no person."""
    if toks[i] not in ATTRIBUTIVE_AGE or i == 0:
        return False
    return toks[i - 1].isdigit() or toks[i - 1] in AGE_WORDS


def _target_of(toks: list[str], i: int) -> bool:
    """"våld mot kvinnan", "violence against her": the cue stands right before the person
    (not "mot sin vilja, maken …")."""
    j = i - 1
    while j >= 0 and (toks[j] in SKIPPABLE or toks[j].isdigit() or toks[j] in AGE_WORDS):
        j -= 1
    return j >= 0 and toks[j] in TARGET_CUES


def _owner_between(toks: list[str], i: int, verb: int) -> bool:
    """"kvinna, hennes familj hotar": another person, owned, is the subject of the verb."""
    return any(toks[k] in POSSESSORS or toks[k] in ("vars", "whose") for k in range(i + 1, verb))


def _object_after(toks: list[str], verb: int) -> bool:
    """"… våldtog henne", "… hits her", "… skada sin fru": an object right after the verb."""
    near = toks[verb + 1:verb + 3]
    return any(t in OBJECT_PRONOUNS for t in near) or (
        bool(near) and near[0] in ("sin", "sitt", "sina", "his", "her", "their"))


def _subject_between(toks: list[str], people: set[int], i: int, verb: int) -> bool:
    """Another person, or someone's relation, stands between this one and the verb: that
    one does it ("pensionär 79, frun … slår honom", "kvinna, hennes familj hotar")."""
    return _owner_between(toks, i, verb) or any(i < k < verb for k in people)


def _reduced_passive(toks: list[str], verb: int) -> bool:
    """"student, 22, sexually assaulted at a party": an English participle with no object."""
    return toks[verb].endswith("ed") and not _object_after(toks, verb)


def _armed(toks: list[str], at: dict[int, set[str]], i: int) -> bool:
    """"han står utanför dörren med kniv", "exet väntar med ett vapen": armed, so harms."""
    for k in range(i + 1, min(i + 7, len(toks))):
        if WEAPON in at.get(k, set()):
            return True
        if toks[k] in PASSIVE or toks[k] in OBJECT_PRONOUNS or toks[k] in TARGET_CUES or \
                at.get(k, set()) & {"offer", "slar", "skada"}:
            return False  # "hotad med kniv", "hotar henne med kniv": done to them
    return False


def _is_agent(toks: list[str], at: dict[int, set[str]], cue: int, m: Mention) -> bool:
    """"slagen av sin man", "våld från maken", "hit by him": the one after the cue does it;
    but "exploatering av en flicka", "misshandel av barn": a deed's noun before "av" makes
    the one after it the one it is done to, unless that one is a relation or a stranger."""
    if toks[cue] != "av" or m.relation:
        return True
    j = cue - 1
    while j >= 0 and toks[j] in SKIPPABLE:
        j -= 1
    return j < 0 or "offer" in at.get(j, set()) or "slar" in at.get(j, set())


def _participle(toks: list[str], verbs: list[int]) -> bool:
    """English participles after "was/has been" ("was hit", "has been abused")."""
    return any(toks[j].endswith(("ed", "en")) or toks[j] in ("hit", "beat", "hurt")
               for j in verbs)


def _merge_ages(toks: list[str], found: list[Mention]) -> tuple[list[Mention], set[int]]:
    """"kvinna 34 år", "34-årig kvinna", "6-year-old boy": the age is the person's beside
    it, whatever little words stand between."""
    people = [m for m in found if (m.gender or m.group or m.patient) and not m.possessor]
    out: list[Mention] = []
    consumed: set[int] = set()
    for m in found:
        if m.gender is None and m.group is None and m.age is not None and not m.possessor \
                and not m.patient:
            near = [p for p in people if not _owner_in(toks, p.index, m.index) and (
                abs(p.index - m.index) <= 2 or (m.grade and 0 < m.index - p.index <= 4) or (
                    abs(p.index - m.index) <= 4 and all(
                        toks[k] in AGE_WORDS or toks[k] in SKIPPABLE or toks[k].isdigit()
                        for k in range(min(p.index, m.index) + 1, max(p.index, m.index)))))]
            if m.grade:  # "tjejen går i nian": the school year is the one's before it
                near = [p for p in near if p.index < m.index]
            ahead = m.index + 1 < len(toks) and toks[m.index + 1] in ATTRIBUTIVE_AGE | {
                "year", "years"} and not (m.index > 0 and toks[m.index - 1] in COPULA)
            said = m.index > 0 and toks[m.index - 1] in COPULA  # "som är 19"
            if near:
                p = min(near, key=lambda p: (
                    (p.index < m.index) if ahead else (p.index > m.index) if said else 0,
                    abs(p.index - m.index), p.index > m.index))
                if p.age is None:
                    p.age = m.age
                consumed.add(m.index)
                continue
        out.append(m)
    return out, consumed


def _owner_in(toks: list[str], a: int, b: int) -> bool:
    """An owner word between two places ("19-åring, hennes kille"): two different people."""
    return any(toks[k] in OWNERS for k in range(min(a, b) + 1, max(a, b)))


def _group(age: int | None) -> str | None:
    if age is None:
        return None
    return CHILD if age < ADULT_FROM else OLDER if age >= OLDER_FROM else ADULT


def _is_child(m: Mention) -> bool:
    return m.group == CHILD or (m.age is not None and m.age < ADULT_FROM)


def choose(found: list[Mention], ages: list[tuple[int, int]], about: str | None,
           concepts: dict[str, float]) -> Person:
    """The person the question is about. `about` comes from the topic: "barn" (the child
    is the person), "utovare" (the one who uses violence is), or None (the one harmed)."""
    people = [m for m in found if not m.possessor]
    uses_violence = about == "utovare" or (bool(people) and people[0].harms and (
        any(concepts.get(c, 0.0) >= 0.9 for c in USES_VIOLENCE) or people[0].described))
    if uses_violence:
        pool = [m for m in people if m.harms] or [m for m in people if not m.harmed]
    elif about == "barn":
        pool = [m for m in people if _is_child(m) and m.harmed] + [
            m for m in people if _is_child(m)]
        pool += [m for m in people if m.harmed and m.group in (None, CHILD) and not m.harms]
        pool += [m for m in people if m.group is None and m.age is None and not m.harms
                 and m.gender is None]
    else:
        harmed = [m for m in found if m.harmed]
        neutral = [m for m in found if not m.harms and not m.harmed]
        pool = ([m for m in harmed if not m.relation] + [m for m in harmed if m.relation]
                + [m for m in neutral if not m.relation and not m.possessor and not m.partner]
                + [m for m in neutral if not m.relation and not m.possessor and m.partner]
                + [m for m in neutral if m.possessor] + [m for m in neutral if m.relation])
    chosen = pool[0] if pool else None
    age, group, gender = _fill(chosen, found, about, uses_violence)
    if age is None and about != "utovare" and not uses_violence:
        taken = {m.index for m in found if m is not chosen}
        free = [a for a, i in ages if i not in taken and not any(
            m.age == a for m in found if m is not chosen)]
        if about == "barn":
            free = [a for a in free if a < ADULT_FROM]
        if len(free) == 1 or (free and about == "barn"):
            age = min(free) if about == "barn" else free[0]
    group = _group(age) or group
    if group is None:
        if about == "barn":
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
    child_harmed = uses_violence and (
        concepts.get("barn", 0.0) >= 0.9
        or any(_is_child(m) for m in found if m is not chosen and not m.possessor))
    return Person(age=age, group=group, gender=gender, uses_violence=uses_violence,
                  child_harmed=child_harmed)


def _fill(chosen: Mention | None, found: list[Mention], about: str | None,
          uses_violence: bool) -> tuple[int | None, str | None, str | None]:
    """The chosen person's age, group and gender, completed from the other words for the
    same person: "Woman with injuries ... her husband hit her" (her = the woman), "17-åring
    ... hon" (the pronoun gives the gender)."""
    if chosen is None:
        return None, None, None
    age, group, gender = chosen.age, chosen.group, chosen.gender
    same = [m for m in found if m is not chosen and not m.relation
            and m.harms == chosen.harms and (gender is None or m.gender in (None, gender))]
    for m in same:
        if gender is None and m.gender and (m.index >= chosen.index - 1 or m.possessor) and (
                m.group in (None, group) or group is None):
            gender = m.gender
        if m.gender == gender and gender is not None:
            age = age if age is not None else m.age
            group = group or m.group
    if gender is None and chosen.age is not None:
        later = [m for m in found if m.index > chosen.index and m.gender and not m.harms
                 and not m.relation]
        gender = later[0].gender if later else None
    if gender is None and not chosen.harms:  # "7-åringen säger att pappa sparkar henne"
        pronouns = [m for m in found if m.index > chosen.index and m.harmed and m.gender
                    and not m.relation and m.group in (None, group)]
        gender = pronouns[0].gender if pronouns else None
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


def _partner_harmed(found: list[Mention], chosen: Mention) -> str | None:
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
