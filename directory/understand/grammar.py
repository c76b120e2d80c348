"""The grammar of who does what in a staff question: the little words (pronouns, owners,
passive and perfect forms, age words) and the tests over a question's tokens that say
whether a person word harms, is harmed, or belongs to someone else. `person.py` uses them
to find the person the question is about; the words of the directory's own domain stay
in the lexicon (data)."""

from __future__ import annotations

import re
from collections.abc import Collection

ADULT_FROM, OLDER_FROM = 18, 65
CHILD, ADULT, OLDER = "barn", "vuxen", "aldre"
FEMALE, MALE = "kvinna", "man"
# Concepts of the lexicon this module reads; the importer refuses a lexicon without them.
PATIENT = "patient"  # "pt", "brukaren", "klienten": a person, of no stated gender or age
WEAPON = "vapen"  # "han står utanför med kniv": the one with the weapon is the one who harms
VIOLENCE = "vald"  # "våld", "misshandel", "abuse": violence, and nothing of whose
STRANGLE = "strypning"  # "stryptag på henne": the one after it is harmed (no verb of who does)
INJURY = "skada"  # "blåmärken", "revbensfraktur": an injury is something that happened
# violence said outright: "våld", "slår", "misshandlad", "utövare"
VIOLENCE_WORDS = frozenset({VIOLENCE, "slar", "offer", "utovare"})
# "hon säger att hon ramlade", "according to the father": an account told, perhaps doubted
REPORTED = frozenset({"sager", "sa", "says", "said", "pastar", "claims", "claimed", "uppger",
                      "uppgav", "enligt", "according", "forklaring", "forklaringen",
                      "explanation", "story", "misstanker", "suspect", "suspected"})
CONCEPTS = (FEMALE, MALE, PATIENT, "barn", "minderarig", "aldre", "vuxen", "offer", "slar",
            INJURY, WEAPON, STRANGLE)
RELATIONS = ("partner", "pojkvan", "foralder", "syskon", "sondotter", "farmor", "forovare")
PARENT, OFFSPRING = "foralder", "sondotter"  # of those: "mamma", "pappa"; "dottern", "sonen"
PARTNERS = ("partner", "pojkvan")  # "exmaken står i väntrummet": with no verb, likely the one
USES_VIOLENCE = ("sluta", "utovare", "ilska")  # concepts that say the asker means them
AGE_CONCEPT = re.compile(r"^alder-(\d{1,3})$")  # "nian" -> alder-15, "spädbarn" -> alder-0

# Grammar, not domain policy: pronouns, and the little words that say who does what.
PRONOUNS = {"hon": FEMALE, "henne": FEMALE, "she": FEMALE, "her": FEMALE, "han": MALE,
            "honom": MALE, "he": MALE, "him": MALE}
YOUNG_PATIENTS = frozenset({"elev", "eleven", "student", "studenten", "ungdom", "ungdomen",
                            "youth", "youngster"})  # no age implied
OWNERS = frozenset({"sin", "sitt", "sina", "hennes", "hans", "min", "mitt", "mina", "din",
                    "deras", "her", "his", "their", "my", "your", "vara", "our", "vars",
                    "whose"})
# after "her"/"his" these say it is not "her husband" but "hits her when ..."
NOT_OWNED = frozenset({"nu", "now", "att", "to", "when", "because", "if", "in", "at", "with",
                       "again", "every", "for", "so", "but", "after", "before", "while",
                       "up", "down", "out", "off", "on", "or", "of", "till", "med", "nar",
                       "och", "and", "badly", "hard", "too", "also", "there", "here",
                       "yesterday", "today", "tonight", "this", "twice", "once",
                       "igar", "idag", "ikvall", "inatt"})  # "pushed her yesterday"
SUBJECT_PRONOUNS = frozenset({"han", "hon", "he", "she"})  # never the one a verb before hits
OBJECT_PRONOUNS = frozenset({"henne", "honom", "him", "her"})  # never the one who does it
# ... unless seen or heard doing it: "I can hear him hitting her", "såg honom slå henne"
PERCEIVE = frozenset({"hear", "heard", "hears", "see", "saw", "seen", "sees", "watched",
                      "caught", "hor", "horde", "hort", "ser", "sag", "sett"})
POSSESSORS = {"hennes": FEMALE, "her": FEMALE, "hans": MALE, "his": MALE}  # "hennes man"
ADULT_NOUNS = frozenset({"kvinna", "kvinnan", "kvinnor", "man", "mannen", "woman",
                         "women", "men", "dam", "damen", "herre", "herren", "lady", "manlig",
                         "kvinnlig", "male", "female", "mamma", "mamman", "pappa", "pappan",
                         "make", "maken", "maka", "makan", "fru", "frun", "hustru", "hustrun",
                         "husband", "wife", "mother", "father", "mum", "dad"})
AGENT_CUES = frozenset({"av", "fran", "by", "from"})  # "slagen av sin man"
# "får betalt av äldre män", "gets gifts from him": the one who pays or gives exploits
PAID = frozenset({"betalt", "pengar", "presenter", "gavor", "present", "paid", "money", "gifts"})
TARGET_CUES = frozenset({"mot", "against", "towards"})  # "våld mot kvinna"
PASSIVE = frozenset({"blir", "blev", "blivit", "bli", "is", "was", "been", "got", "gets",
                     "being", "were", "are", "ar"})
PERFECT = frozenset({"har", "hade", "has", "had"})
AGE_WORDS = frozenset({"ar", "aring", "arig", "ariga", "arige", "years", "year", "old", "yo",
                       "y", "o",  # "8 y/o daughter"
                       "manader", "manad", "man", "veckor", "vecka", "months", "weeks"})
SCHOOL_YEAR = frozenset({"ak", "arskurs"})  # "kille i åk 7": the year is the one's before
RELATIVE = frozenset({"som", "who", "that"})  # "a man who …", "80-åring som …"
TURNED = frozenset({"fyllt", "fyllde", "fyller", "turned", "turns"})  # "precis fyllt 18"
COMING = frozenset({"fyller", "turns"})  # "hon fyller 18 i vår": 17 now
SKIPPABLE = PASSIVE | PERFECT | frozenset({
    "sin", "sitt", "sina", "hennes", "hans", "min", "mitt", "mina", "din", "deras", "her",
    "his", "their", "my", "the", "a", "an", "en", "ett", "som", "who", "that", "ska", "will",
    "f", "d", "fd", "ex", "nya", "gamla", "forra", "nuvarande", "egen", "egna", "own",
    "former", "new", "old", "yngre", "vuxna", "vuxne", "stora", "lilla", "tidigare", "nu",
    "now", "ofta", "often", "upprepat", "repeatedly", "ibland", "sometimes", "och", "and",
    "just", "right", "also", "ocksa", "aven", "inte", "not", "kan", "may", "might", "ar",
    "nagon", "nagra", "alltid", "always", "igen", "again", "been", "kanske", "ca", "cirka",
    "runt", "about", "around", "maybe", "approx", "precis", "nyss",
    "ll", "ve", "re",  # "he'll", "they've", "you're": an English contraction's tail
}) | TURNED
# "man" is also the Swedish "one": "hur anmäler man", "man kan ringa".
MAN_PRONOUN_BEFORE = frozenset({"hur", "var", "nar", "vad", "vart", "kan", "ska", "skall",
                                "bor", "maste", "far", "gor", "vet", "om", "brukar",
                                "behover", "innan", "sa", "da", "kanske", "ocksa", "eller"})
HARMED_PARTICIPLES = frozenset({"hotad", "slagen", "misshandlad", "utsatt", "valdtagen",
                                "attackerad", "knivhuggen", "skadad", "forfoljd"})
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
                                "gay", "adult", "for", "of", "by", "with", "violent", "and",
                                "can", "do", "help", "helping"})  # "where can men who …"
NOT_AN_AGE_AFTER = frozenset({"kg", "kr", "min", "minuter", "timmar", "tim", "h", "st",
                              "procent", "gram", "cm", "mg", "ml", "dagar", "dygn", "hours",
                              "minutes", "days", "kronor", "ganger", "times", "barn",
                              "children", "kids", "veckor", "weeks"})


def man_is_pronoun(toks: list[str], i: int) -> bool:
    """"man kan ringa", "hur gör man", "hur polisanmäler man": the pronoun "one"."""
    before = toks[i - 1] if i > 0 else ""
    after = toks[i + 1] if i + 1 < len(toks) else ""
    asked = i > 1 and toks[i - 2] in QUESTION_WORDS and before.endswith("r")
    if i == 0 and any(toks[j] in HARMED_PARTICIPLES and toks[j + 1:j + 2] == ["av"]
                      for j in range(1, min(len(toks) - 1, 9))):
        return False  # "Man behöver skyddat boende, hotad av sin expartner": a man
    return before in MAN_PRONOUN_BEFORE or after in MAN_PRONOUN_AFTER or asked


def nearby(toks: list[str], i: int, step: int, reach: int) -> list[int]:
    """Indices next to i in one direction, passing over little words that change nothing
    (and numbers: "kvinna 38 som slår")."""
    out: list[int] = []
    j = i + step
    while 0 <= j < len(toks) and len(out) < reach + 3:
        out.append(j)
        counts = toks[j] not in SKIPPABLE and not toks[j].isdigit() and toks[j] not in AGE_WORDS
        if counts and len([k for k in out if toks[k] not in SKIPPABLE
                           and not age_part(toks, k)]) >= reach:
            break
        j += step
    return out


def age_part(toks: list[str], k: int) -> bool:
    """"85" and "åriga" in "85-åriga": the number of an age and its unit."""
    return toks[k].isdigit() or (toks[k] in AGE_WORDS and k > 0 and toks[k - 1].isdigit())


def acts_on_own(toks: list[str], at: dict[int, set[str]], i: int) -> bool:
    """"sonen sin 85-åriga mamma" with a verb of harm before: the son does it."""
    reflexive = i + 1 < len(toks) and toks[i + 1] in ("sin", "sitt", "sina")
    verb = any("slar" in at.get(j, set()) for j in range(max(0, i - 2), i))
    return reflexive and verb


def owned(toks: list[str], i: int) -> bool:
    """"sin man", "hennes pappa", "barnets mamma": a relation of someone else."""
    before = [toks[j] for j in range(max(0, i - 2), i)]
    return any(t in OWNERS or (len(t) > 3 and t.endswith("s")) for t in before)


WITH = frozenset({"med", "with"})
ARTICLES = frozenset({"en", "ett", "a", "an"})
DATED = frozenset({"kille", "tjej", "karl", "guy", "girl", "boy"})  # "har en kille": dating
ABOUT = frozenset({"for", "about", "over"})
# worried for someone, not afraid of them ("oro för dottern")
WORRY = frozenset({"orolig", "oroliga", "oro", "oroar", "worried", "concerned", "concern",
                   "worries"})
THAT = frozenset({"att", "that"})  # "orolig för att hennes dotter ska …"


def worried_about(toks: list[str], i: int, child: bool = False) -> bool:
    """"mamma är orolig för dottern", "worried about her son": the one worried about; a
    `child` also right after the worry ("worried her 3-year-old daughter will be cut")."""
    if toks[i] in OBJECT_PRONOUNS:
        return False  # "orolig för honom": as likely the one feared
    for j in range(max(0, i - 6), i):
        if toks[j] in WORRY and j + 1 < len(toks) and toks[j + 1] in ABOUT:
            return all(toks[k] in SKIPPABLE or toks[k] in THAT for k in range(j + 2, i))
        if child and toks[j] in WORRY and j + 1 < i:
            return all(toks[k] in SKIPPABLE or toks[k] in THAT or toks[k] in AGE_WORDS
                       or toks[k].isdigit() for k in range(j + 1, i))
    return False


def with_someone(toks: list[str], i: int) -> bool:
    """"16-åring med en svartsjuk kille", "a girl with an older man": the noun after "med"
    is someone the person is with, not the person; so is "17-åring som har en våldsam kille"
    ("has a boyfriend")."""
    return any(toks[j] in WITH or (toks[j] in PERFECT and toks[j + 1] in ARTICLES
                                   and toks[i] in DATED)
               for j in range(max(0, i - 3), i))


def bare_age(toks: list[str], i: int) -> int | None:
    """"kvinna 34", "man, 45", "pat 83": a number right after a person is their age."""
    for j in (i + 1, i + 2):
        if j < len(toks) and toks[j].isdecimal():
            after = toks[j + 1] if j + 1 < len(toks) else ""
            value = int(toks[j])
            attributive = toks[j + 2:j + 3] == ["old"]  # "her 17-year-old boyfriend": his
            if 0 < value <= 110 and after not in NOT_AN_AGE_AFTER | ATTRIBUTIVE_AGE and not (
                    attributive):
                return value - 1 if toks[j - 1] in COMING else value
            return None
        if j < len(toks) and toks[j] not in SKIPPABLE:
            return None
    return None


def in_age_phrase(toks: list[str], i: int) -> bool:
    """"old" in "19 year old", "gammal" in "77 år gammal": a word of the age, no person."""
    if toks[i] not in ATTRIBUTIVE_AGE or i == 0:
        return False
    return toks[i - 1].isdigit() or toks[i - 1] in AGE_WORDS


def target_of(toks: list[str], i: int) -> bool:
    """"våld mot kvinnan", "violence against her": the cue stands right before the person
    (not "mot sin vilja, maken …")."""
    j = i - 1
    while j >= 0 and (toks[j] in SKIPPABLE or toks[j].isdigit() or toks[j] in AGE_WORDS):
        j -= 1
    return j >= 0 and toks[j] in TARGET_CUES


AIMED = frozenset({"at", "pa"})  # "waving an axe at his wife", "riktar kniven på henne"


def aimed_at(toks: list[str], at: dict[int, set[str]], i: int) -> bool:
    """"waving an axe at his wife", "pointing a knife at her": a weapon or a blow aimed at
    the person just after "at" (not "at home", "at her sister's" with nothing aimed)."""
    j = i - 1
    while j >= 0 and toks[j] in SKIPPABLE:
        j -= 1
    return j > 0 and toks[j] in AIMED and any(
        at.get(k, set()) & {WEAPON, "slar"} for k in range(max(0, j - 3), j))


def owner_between(toks: list[str], i: int, verb: int) -> bool:
    """"kvinna, hennes familj hotar": another person, owned, is the subject of the verb."""
    return any(toks[k] in POSSESSORS or toks[k] in ("vars", "whose") for k in range(i + 1, verb))


def object_after(toks: list[str], verb: int) -> bool:
    """"… våldtog henne", "… hits her", "… skada sin fru": an object right after the verb."""
    near = toks[verb + 1:verb + 3]
    return any(t in OBJECT_PRONOUNS for t in near) or (
        bool(near) and near[0] in ("sin", "sitt", "sina", "his", "her", "their"))


def subject_between(toks: list[str], people: set[int], i: int, verb: int) -> bool:
    """Another person, or someone's relation, stands between this one and the verb: that
    one does it ("pensionär 79, frun … slår honom", "kvinna, hennes familj hotar")."""
    return owner_between(toks, i, verb) or any(i < k < verb for k in people)


def reduced_passive(toks: list[str], verb: int) -> bool:
    """"student, 22, sexually assaulted at a party", "woman (22) beaten by her boyfriend": an
    English participle with no object, or any verb before "by"; "her uncle threatened to
    send her away" is a verb of his ("to", "that" after it)."""
    nxt = toks[verb + 1] if verb + 1 < len(toks) else ""
    return nxt == "by" or (toks[verb].endswith(("ed", "en")) and not object_after(toks, verb)
                           and nxt not in ("to", "that"))


def armed(toks: list[str], at: dict[int, set[str]], i: int,
          people: Collection[int] = ()) -> bool:
    """"han står utanför dörren med kniv", "exet väntar med ett vapen": armed, so harms;
    not "patienten berättar att exmaken höll en kniv" (another person holds it)."""
    for k in range(i + 1, min(i + 7, len(toks))):
        if WEAPON in at.get(k, set()):
            return True
        if k in people or not at.get(k, set()).isdisjoint(RELATIONS):
            return False
        if toks[k] in PASSIVE or toks[k] in OBJECT_PRONOUNS or toks[k] in TARGET_CUES or \
                at.get(k, set()) & {"offer", "slar", "skada"}:
            return False  # "hotad med kniv", "hotar henne med kniv": done to them
    return False


def participle(toks: list[str], verbs: list[int]) -> bool:
    """English participles after "was/has been" ("was hit", "has been abused")."""
    return any(toks[j].endswith(("ed", "en")) or toks[j] in ("hit", "beat", "hurt")
               for j in verbs)


def owner_in(toks: list[str], a: int, b: int) -> bool:
    """An owner word between two places ("19-åring, hennes kille"): two different people."""
    return any(toks[k] in OWNERS for k in range(min(a, b) + 1, max(a, b)))
