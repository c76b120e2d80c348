"""Immediate danger and risk markers: the lexicon's danger rules (data) applied to a question.

A rule holds when all its concepts are found within its reach of each other; a concept
counts only at full strength (not negated, not a weak typo match). A few readings of grammar
stay here: "nu" of the asker's next step ("vad gör jag nu", "öppet nu?") or of a wish is no
danger, and "nu"/"just nu" speaks only of its own sentence; a killing word turned on oneself
("ta livet av sig") is no threat to another; a threat on a condition ("om hon lämnar
honom") is told, not carried out now.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from directory.model import DangerRule
from directory.understand.grammar import OBJECT_PRONOUNS, PARENT, RELATIONS
from directory.understand.mentions import Mention
from directory.understand.named import INVOLVED
from directory.understand.topics import Analysis

NOW_CONCEPT = "nu"
RIGHT_NOW = "justnu"  # "just nu", "right now": with violence near, it is happening now
NOW_CONCEPTS = frozenset({NOW_CONCEPT, RIGHT_NOW})
# "vad gör jag nu", "vem ringer jag nu", "what now": "nu" of the asker's next step
ASKING_NOW = frozenset({"vad", "vem", "hur", "vart", "vilken", "vilka", "what", "who", "how",
                        "where", "which", "ringa", "ringer", "ring", "call", "kontakta",
                        "gora", "gor", "do", "ga", "vidare",
                        # "öppet nu?", "are they open now": asks about opening hours
                        "oppen", "oppet", "oppna", "open", "stangt", "stangd", "closed"})
KILL = "dod"  # killing words: "ta livet av", "döda", "kill"
URGENT = "akut"  # the lexicon's words of immediate danger ("ska döda", "kniv")
SAYS = "hotord"  # "har sagt att", "lovat att": a threat said; on a condition it is not now
REFLEXIVE = frozenset({"sig", "himself", "herself", "themselves", "myself"})
NOW_WORDS = frozenset({"nu", "now", "just", "right"})
TELLS = frozenset({"berattar", "sager", "uppger", "beskriver", "erkanner", "tells", "says",
                   "admits"})  # "berättar nu att …": the telling is now, not what it tells
WANTS = frozenset({"vill", "wants"})  # "hon vill just nu bara veta": her wish now, no danger
HABIT = "vana"  # "alltid", "i flera år", "every time": what keeps happening, not this moment
# a scene's words that a habit in the same sentence makes a pattern of control, not now:
# "en man väntar alltid i väntrummet", "heard his mother being beaten for years – now …"
SCENE = frozenset({NOW_CONCEPT, RIGHT_NOW, "pavag", "narvarande", "utanfor", "vantar"})
PLACES_IN_SCENE = SCENE - NOW_CONCEPTS  # where someone is; "nu" is everyone's now
KIN = frozenset(RELATIONS)  # "pappan", "maken", "sambon": a word of kin is no plain person
# the danger head's probability from which it is heeded; chosen by running blind sets again
# as they were before anything was learnt from them (docs/understanding.md)
DANGER_FROM = 0.3
SCENE_SPAN = 2  # "är på väg hit": a word of urgency this near a scene word is its phrase
SUBJECT_REACH = 4  # "kvinna från Insjön sitter i väntrummet": the person this near before
CALM = "lugnt"  # "känner sig trygg", "nothing is happening now": said to be calm now
TONIGHT = "ikvall"  # "i natt", "tonight": a time that is hours away at most
DRAWN = "avbildat"  # "ritade pappa med kniv", "drew his dad holding a gun": in a picture
INVOLVED_AFTER_NOW = 3  # "now sees BUP", "har nu kontakt med": the care now, not violence
DISTRESS = "nodrop"  # "viskar", "whispering": a call made in secret, from the scene
NOT_NOW = frozenset({"inte", "not", "no", "ingen", "inget"})  # "nu inte", "now no longer"
THAT = frozenset({"att", "that"})  # "viskar att han blir arg": what she tells, not a call
TELLER = frozenset({"han", "hon", "hen", "till", "mig", "oss", "he", "she", "to", "me",
                    "us"})  # "viskade han till mig att", "whispered to me that"
# the concepts this module reads by name (the importer refuses a lexicon without them)
READ_BY_NAME = (KILL, URGENT, SAYS, HABIT, CALM, TONIGHT, INVOLVED, DISTRESS, DRAWN,
                *sorted(SCENE))
# "döda henne om hon lämnar honom", "kill her if she leaves": a threat on a condition is
# told, not carried out now (unlike "om en timme", "in an hour": a time)
IF = frozenset({"om", "if"})
CONDITION_BEFORE = 10  # "om hon tar barnen och flyttar så tar han livet av henne"
# "när han kommer tillbaka i kväll", "before he gets home": a scene in a time to come (or
# a habit), not one now
WHEN = frozenset({"nar", "innan", "tills", "when", "before", "until", "once"})
SOMEONE = frozenset({"hon", "han", "hen", "de", "du", "vi", "ni", "nagon", "hennes", "hans",
                     "she", "he", "they", "you", "anyone", "someone"})


def danger_and_risks(a: Analysis, rules: tuple[DangerRule, ...], toks: list[str],
                     starts: Collection[int] = (), found: Sequence[Mention] = (),
                     at: dict[int, set[str]] | None = None) -> tuple[bool, tuple[str, ...]]:
    """Whether the danger is immediate, and the notes of the risk markers that hold, in one
    pass over the lexicon's rules. A rule holds when all its concepts are found within its
    reach of each other; a concept counts only at full strength (not negated, not a weak
    typo match), and "nu" not when it asks what to do now ("vad gör jag nu"), and only with
    what its own sentence tells ("efter pappans slag. Han sitter hos mormor just nu"). A rule
    with a note is a risk marker ("stryptag": a strong sign of lethal violence), not danger.
    A scene whose subject is the one harmed ("kvinnan sitter i väntrummet och vågar inte
    åka hem till maken") tells where she is, not the one who harms (`found`: the people,
    `at`: the concepts by token, as the reader already has them)."""
    danger, notes = False, []
    sentence, n = [], 0
    for i in range(len(toks)):
        n += i in starts and i > 0
        sentence.append(n)
    own = _own_scenes(a, found, sentence, at)
    # the sentences that tell a habit ("alltid", "i flera år"): no scene in them is now
    habits = frozenset(sentence[p] for p in a.positions.get(HABIT, ())
                       if a.concepts.get(HABIT, 0.0) >= 0.9)
    present = {c for c, v in a.concepts.items() if v >= 0.9}  # full strength (see _holds)
    for rule in rules:
        if any(c not in present for c in rule.concepts):
            continue  # most rules fail here, before any position is compared
        if (rule.note or not danger) and _holds(rule, a, toks, sentence, habits, own):
            if rule.note:
                notes.append(rule.note)
            else:
                danger = True
    return danger, tuple(dict.fromkeys(notes))


def learnt_danger(told: float, a: Analysis, toks: Sequence[str] = ()) -> bool:
    """Whether the model's danger head (learnt from examples marked `danger: true`) tells of
    immediate danger and may be heeded: it reads words, not time, so a question that says
    it is calm now ("ingen akut fara", "känner sig trygg"), tells of a picture ("ritade
    pappa med kniv") or of what keeps happening ("står alltid utanför") is left to the
    rules, unless what keeps happening names tonight ("he keeps saying tonight is the last
    night": a threat said again and again, for tonight)."""
    said = {c for c in (CALM, HABIT, TONIGHT, DRAWN) if a.concepts.get(c, 0.0) >= 0.9}
    return told >= DANGER_FROM and not said & {CALM, DRAWN} and (
        HABIT not in said or TONIGHT in said) and not _conditional_threat(a, toks)


def _conditional_threat(a: Analysis, toks: Sequence[str]) -> bool:
    """"om hon tar barnen och flyttar så tar han livet av henne": a killing word with "om"
    and someone before it (or after it, as the rules read a threat), and nothing of now or
    tonight in the question: a threat on a condition, for the rules to judge."""
    if any(a.concepts.get(c, 0.0) >= 0.9 for c in (*NOW_CONCEPTS, TONIGHT)):
        return False
    return any(_if_someone(toks[max(0, p - CONDITION_BEFORE):p]) or _on_a_condition(toks, p)
               for p in a.positions.get(KILL, ()))


def _on_a_condition(toks: Sequence[str], p: int, reach: int = 5) -> bool:
    """"ska döda henne om hon lämnar honom", "threatens to kill her if she leaves": "om"/"if"
    and someone within five words (ten after "har sagt att": the threat comes first)."""
    return _if_someone(toks[p + 1:p + reach + 1])


def _if_someone(words: Sequence[str]) -> bool:
    """"om hon", "if she": a condition on someone's doing."""
    return any(t in IF and nxt in SOMEONE for t, nxt in zip(words, words[1:], strict=False))


def _own_scenes(a: Analysis, found: Sequence[Mention], sentence: list[int],
                at: dict[int, set[str]] | None) -> frozenset[int]:
    """Positions of scene words ("i väntrummet", "utanför") whose subject, the person just
    before them in the sentence, is no partner or relative and harms nobody, while one of
    the other gender there is a partner, a relative or harms: where she is, not he."""
    out = set()
    people = [m for m in found if not m.possessor]
    if people and at is None:
        at = a.concepts_at()
    for concept in PLACES_IN_SCENE:
        for p in a.positions.get(concept, ()):
            before = [m for m in people if 0 < p - m.index <= SUBJECT_REACH
                      and sentence[m.index] == sentence[p] and m.word not in OBJECT_PRONOUNS]
            if not before:
                continue
            subject = before[-1]
            said = (at or {}).get(subject.index, set())
            if PARENT in said and not subject.harms and any(
                    o.harms and o.couple for o in people if o is not subject):
                out.add(p)  # "pojkvännen knuffade henne … her parents are on their way":
                continue  # her parents coming, the partner harmed
            # "pappan har kommit upp": a partner or relative is who may harm; "kvinnan",
            # "tjejen", "hon" the one the question is about
            if subject.harms or not subject.gender or said & KIN:
                continue
            if any(o.gender and o.gender != subject.gender and (o.harms or o.couple or o.relation)
                   for o in people if o is not subject):
                out.add(p)
    return frozenset(out)


def _next_in(toks: list[str], p: int, words: frozenset[str]) -> bool:
    """Is the word right after position `p` one of `words` ("viskar att", "nu inte")?"""
    return p + 1 < len(toks) and toks[p + 1] in words


def _tells(toks: list[str], p: int) -> bool:
    """"viskar att …", "viskade han att …", "whispered to me that …": what is told, with
    at most the teller and the one told before "att"/"that"."""
    q = p + 1
    while q < len(toks) and q <= p + 3 and toks[q] in TELLER:
        q += 1
    return q < len(toks) and toks[q] in THAT


def _holds(rule: DangerRule, a: Analysis, toks: list[str], sentence: list[int],
           habits: frozenset[int], own: frozenset[int] = frozenset()) -> bool:
    def counts(concept: str, p: int) -> bool:
        if (p in own and concept in SCENE) or (concept == URGENT and any(
                abs(p - o) <= SCENE_SPAN for o in own)):
            return False  # the scene is hers, and so is its urgency ("är på väg hit")
        if concept == DISTRESS and _tells(toks, p):
            return False  # "hon viskar att han blir arg på nätterna": told to us, no call
        if concept in NOW_CONCEPTS and any(p < k <= p + INVOLVED_AFTER_NOW
                                           for k in a.positions.get(INVOLVED, ())):
            return False  # "lived with violence and now sees BUP": the care is now
        if concept == NOW_CONCEPT and _next_in(toks, p, NOT_NOW):
            return False  # "sett pappa misshandla mamma och nu inte kan sova": not now
        if concept == KILL and any(t in REFLEXIVE for t in toks[p + 1:p + 3]):
            return False  # "ta livet av sig", "kill himself": not a threat to another
        if concept == SAYS and _on_a_condition(toks, p, 10):
            return False  # "har sagt att om hon lämnar honom …": a threat on a condition
        if concept == URGENT and (_on_a_condition(toks, p) or any(
                p <= k <= p + 3 and any(t in REFLEXIVE for t in toks[k + 1:k + 3])
                for k in a.positions.get(KILL, ()))):
            # by itself; "i kväll om …" still holds the kill-tonight rule; "threatens to
            # kill herself": a threat against oneself (a way to control), no danger to another
            return False
        if concept in PLACES_IN_SCENE and any(t in WHEN for t in toks[max(0, p - 2):p]):
            return False  # "hon vill inte vara kvar när han kommer tillbaka i kväll"
        if habits and concept in SCENE and concept != RIGHT_NOW and sentence[p] in habits:
            return False  # "just nu", "right now" said outright is this moment, habit or not
        if concept == URGENT and p and toks[p - 1] in ASKING_NOW and any(
                t in NOW_WORDS for t in toks[p:p + 3]):
            return False  # "vad händer nu för pojken": what comes next, asked
        if concept in NOW_CONCEPTS or (concept == URGENT and toks[p] in NOW_WORDS):
            # "vem ringer jag just nu", "vill just nu bara veta": the asker's now, a wish;
            # "slår henne och nu vill hon ha hjälp": the news now is her wish
            return not any(t in ASKING_NOW or t in WANTS for t in toks[max(0, p - 3):p]) \
                and not any(t in WANTS for t in toks[p + 1:p + 3]) \
                and not (p and toks[p - 1] in TELLS)  # "berättar nu att maken slog henne"
        return True

    if any(a.concepts.get(c, 0.0) >= 0.9 for c in rule.unless):
        return False  # "hotade henne med kniv förra veckan": told, not happening
    where = [[p for p in a.positions.get(c, []) if a.concepts.get(c, 0.0) >= 0.9
              and counts(c, p)] for c in rule.concepts]
    if not all(where):
        return False
    first, *rest = where
    timed = [c in NOW_CONCEPTS for c in rule.concepts]  # "nu" speaks of its own sentence
    return any(all(any(abs(p - q) <= rule.reach and (
        not (timed[0] or now) or sentence[p] == sentence[q]) for q in ps)
        for ps, now in zip(rest, timed[1:], strict=True)) for p in first)
