"""Understanding staff questions: redaction, places, situations, the person, and the decision.

Everything the matcher knows comes from the lexicon in the database, so coordinators
can add a synonym or a locality without a release.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from directory.model import DANGER_KIND, NamedUnit, Person
from directory.recent import Recent
from directory.understand import grammar, scope
from directory.understand import person as persons
from directory.understand.ages import birth_ages
from directory.understand.danger import (
    HABIT,
    KILL,
    NOW_CONCEPT,
    READ_BY_NAME,
    RIGHT_NOW,
    TONIGHT,
    danger_and_risks,
    learnt_danger,
)
from directory.understand.features import Reading, WordRows, grams
from directory.understand.mentions import HELD, glued_ages
from directory.understand.model import DANGER, NONE
from directory.understand.named import (
    ASKING,
    INVOLVED,
    WORKPLACE,
    YRKE,
    asks_for,
    situation,
    units_at_work,
    workplace_kinds,
)
from directory.understand.places import choose, sentence_starts
from directory.understand.redact import redact
from directory.understand.scope import CASE, HUNCH, UNSURE, WORRIES
from directory.understand.text import original_words, tokens
from directory.understand.topics import (
    AGE_CONCEPTS,
    KIND_PREFIX,
    MIN_SITUATION,
    Analysis,
    TopicMatcher,
)
from directory.vocabulary import PERPETRATOR_TAG, Group

if TYPE_CHECKING:  # the snapshot imports the place finder from this package
    from directory.snapshot import Directory

UNIT = "enhet"  # "soc", "lasarettet", "vårdcentralen": a unit of many needs, named alone
NOT_VIOLENCE = "ovald"  # "arbetsskada", "stroke", "vaccination": words of other matters
REGION_WIDE = "hela-regionen"  # "i Dalarna", "i regionen": the whole region is the place
VIOLENCE = grammar.VIOLENCE
# Violence said with nothing of whom it is done to or by ("våld Hedemora, vem ringer jag",
# "suspected abuse"): the first contact differs for a child and an adult, so ask.
ONLY_VIOLENCE = grammar.VIOLENCE_WORDS
REPORT = "anmala"  # "anmälan", "report": of a concern or to the police, it does not say
ONLY_REPORT = frozenset({REPORT})
MIN_SCORE = 0.6  # lexicon: below this score nothing in the directory fits
MIN_PROBABILITY = 0.3  # below this (model and lexicon together) nothing fits
MIN_UNSUPPORTED = 0.45  # the same when the lexicon finds no word of a situation
CLOSE_PROBABILITY = 0.08  # a runner-up this close to the best is too close to call
LEXICON_BONUS = 0.25  # added to the model's probability of the lexicon's own topic
RUNNER_UP_FROM = 0.1
VIOLENCE_SAID_FROM = 0.2  # the same when violence is said outright of someone
NAMED_BUT_NOTHING = 0.8  # a unit named beside other words the model finds off-topic
# a word of another matter, nobody in the question, and the model gives "nothing fits" at
# least this: "statistik över orosanmälningar" (0.13) is another matter, "cleaners at the
# staffing agency … could this be trafficking" (0.02) is not
OTHER_MATTER_FROM = 0.05
CLOSE_MARGIN = 0.08  # lexicon alone: share of the best score within which a runner-up competes
SENTENCE_ENDS = ".?!\n"  # what a sentence tells ends here; a colon goes on (danger's "nu")
MEMO_SIZE = 4096  # understood questions remembered per matcher (the same text, the same result)
# words of when: they say nothing of what happened ("feber sedan igår kväll")
TIMES = frozenset({NOW_CONCEPT, RIGHT_NOW, TONIGHT, HABIT, scope.PAST})
# Concept names the code reads by name, gathered from the modules that read them: the
# importer refuses a lexicon that lacks one (a rename in the data would otherwise silently
# switch off who the person is, their age group or the asker's own workplace). The danger
# rules are data and name their concepts; the importer checks those (READ_BY_NAME: the few
# the danger module reads by name).
REQUIRED_CONCEPTS = tuple(dict.fromkeys((
    *grammar.CONCEPTS, *grammar.RELATIONS, *grammar.USES_VIOLENCE,
    *(c for _lo, _hi, names in AGE_CONCEPTS for c in names),
    ASKING, WORKPLACE, YRKE, UNSURE, NOW_CONCEPT, RIGHT_NOW, CASE, UNIT, HUNCH, NOT_VIOLENCE, KILL,
    REGION_WIDE, WORRIES, INVOLVED, HELD, scope.PAST, scope.ACCIDENT,
    *ONLY_VIOLENCE, REPORT, *READ_BY_NAME)))


@dataclass
class Understanding:
    query: str
    redacted: bool
    topic: str | None
    confidence: float
    municipality: str | None
    municipality_from: str  # question | default | none
    municipality_options: list[str] = field(default_factory=list)
    danger: bool = False
    named: list[NamedUnit] = field(default_factory=list)  # units asked for, in order
    runners_up: list[tuple[str, float]] = field(default_factory=list)
    analysis: Analysis | None = None
    person: Person = field(default_factory=Person)
    asks_for_named: bool = False  # the question asks for a unit by name (not where staff work)
    mentions: list[persons.Mention] = field(default_factory=list)
    rival: str | None = None  # a second topic too close to call
    vague: bool = False  # asks whom to call about someone, but says nothing of what happened
    risks: tuple[str, ...] = ()  # the notes of risk markers found ("stryptag")

    @property
    def said(self) -> frozenset[str]:
        """Concepts the question clearly showed (for path steps "for: [skada]")."""
        if self.analysis is None:
            return frozenset()
        return frozenset(c for c, v in self.analysis.concepts.items() if v >= 0.9)


def key(d: Directory) -> tuple[int, int, str | None, str | None]:
    """What an Understander is built from: rebuilt only when this changes."""
    return (d.lexicon_version, d.alias_version, d.model.digest if d.model else None,
            d.model.built_at if d.model else None)


def _confidence(best: float, second: float) -> float:
    if best <= 0:
        return 0.0
    margin = max(0.0, best - max(second, 0.0)) / best
    return round((1 - math.exp(-best)) * (0.5 + 0.5 * margin), 2)


class Understander:
    """Built once per directory generation; cheap to call."""

    def __init__(self, directory: Directory, use_model: bool = True,
                 bonus: float = LEXICON_BONUS, min_probability: float = MIN_PROBABILITY,
                 min_unsupported: float = MIN_UNSUPPORTED) -> None:
        self.model = directory.model if use_model else None
        self.bonus, self.min_probability = bonus, min_probability
        self.min_unsupported = min_unsupported
        self.generation = key(directory)
        self.topics = TopicMatcher(directory.lexicon, directory.unit_aliases())
        self.role_kinds = {r.id: r.kind for r in directory.roles.values()}
        self.places = directory.places()
        self.known_topics = set(directory.topics)
        self.about = {t.slug: t.about for t in directory.topics.values()}
        self.assume = {t.slug: t.assume for t in directory.topics.values()}
        # the first topic about each kind of person: children (a unit asked for by name
        # for a child), older people ("äldre kvinna slås av sin vuxna son"), adults, the one
        # who uses violence ("vill ha hjälp att sluta")
        first: dict[str, str] = {}
        for slug, about in self.about.items():
            first.setdefault(about or "", slug)
        self.child_topic, self.older_topic, self.adult_topic, self.their_topic = (
            first.get(g) for g in (Group.CHILD, Group.OLDER, Group.ADULT, PERPETRATOR_TAG))
        self.for_children = {r.id for r in directory.roles.values()
                             if tuple(r.groups) == (Group.CHILD,)}
        self.kinds = frozenset(directory.kinds)
        self.kind_topics = {k.slug: k.topic for k in directory.kinds.values() if k.topic}
        self.danger_rules = directory.lexicon.danger
        self.person_words = persons.PersonWords(directory.lexicon.concepts)
        # Understanding is a pure function of the redacted text and the default
        # municipality for one matcher, so a question asked again (a button, a retry, a
        # common short question) is not read again. Keyed on the redacted text only.
        self._memo: Recent[tuple[str, bool, str | None, dt.date | None], Understanding] = (
            Recent(MEMO_SIZE))
        self._word_rows = WordRows()  # each word's character n-gram rows in the model

    def __getstate__(self) -> dict[str, object]:
        """Pickled (the snapshot cache) without the questions and words it remembers."""
        state = self.__dict__.copy()
        state["_memo"] = Recent(MEMO_SIZE)
        state["_word_rows"] = WordRows()
        return state

    def forget(self) -> None:
        """Forget the questions remembered (benchmarks that measure reading a question)."""
        self._memo.clear()

    def _read(self, text: str) -> Reading:
        return self._read_redacted(*redact(text))

    def _read_redacted(self, query: str, had_number: bool, today: dt.date | None = None
                       ) -> Reading:
        hits = self.places.find(query, original_words(query))
        skip = frozenset(i for h in hits for i in range(h.start, h.end))
        analysis = self.topics.analyse(query, skip)
        toks = tokens(query)
        if today is not None:  # "född i december 2008": an age on the day of asking
            analysis.ages += birth_ages(toks, skip, today)
        analysis.ages += glued_ages(query, toks)  # "22F"
        starts = frozenset(sentence_starts(query, SENTENCE_ENDS))
        at = self.person_words.at(query, skip)
        # an age in brackets is the person's to choose from, unless it follows a relation
        # ("sambon (20)": that one's, for `mentions` only); the topic analysis cannot tell
        theirs = persons.relatives_ages(at, analysis.bracketed)
        analysis.ages += [(int(toks[i]), i) for i in sorted(analysis.bracketed - theirs)]
        found = persons.mentions(toks, at, analysis.ages + [
            (int(toks[i]), i) for i in sorted(theirs)], skip, starts, analysis.apart,
            analysis.bracketed)
        return Reading(query, had_number, hits, skip, analysis, toks, found,
                       analysis.concepts_at(), starts)

    def features(self, text: str) -> dict[str, list[str]]:
        """The topic model's features of a question (the same for training and answering)."""
        return grams(self._read(text))

    def understand(self, text: str, default_municipality: str | None = None,
                   today: dt.date | None = None) -> Understanding:
        """What a question is about, where, for whom; a copy the caller may change. `today`
        (the day of asking) reads a birth date as an age."""
        query, had_number = redact(text)
        memo_key = (query, had_number, default_municipality, today)
        found = self._memo.get(memo_key)
        if found is None:
            found = self._understand(self._read_redacted(query, had_number, today),
                                     default_municipality)
            self._memo.put(memo_key, found)
        return copy.copy(found)

    def _understand(self, r: Reading, default_municipality: str | None) -> Understanding:
        analysis = r.analysis
        municipality, options = choose(r.hits)
        source = "question" if municipality else "none"
        if municipality is None and not options and default_municipality:
            municipality, source = default_municipality, "default"
        at_work = units_at_work(r)  # units named as the asker's workplace, not asked for
        lexical = [(t, s) for t, s in self._scores(r, at_work)
                   if t in self.known_topics and s > 0]
        lex_best = lexical[0] if lexical else (None, 0.0)
        lex_topic = (lex_best[0] if lex_best[1] >= MIN_SCORE
                     and analysis.situation >= MIN_SITUATION else None)
        only_who = scope.only_who(r, self.topics.subjects)
        rival, nothing = None, 0.0 if only_who else 1.0
        heads: dict[str, float] = {}  # the model's yes/no heads: danger, the person
        if self.model is not None and not only_who:
            probabilities, heads = self._word_rows.scores(self.model, r)
            nothing = probabilities.get(NONE, 0.0)
            ranked = self._blend(probabilities, lex_topic)
            least = (self.min_probability if analysis.situation >= MIN_SITUATION
                     else self.min_unsupported)  # no word of a situation: be surer
            if r.found and scope.violence_said(r):  # "adult daughter (35) hits her father
                least = min(least, VIOLENCE_SAID_FROM)  # who is 60": a case, say which
            topic, confidence = (ranked[0] if ranked[0][0] != NONE
                                 and ranked[0][1] >= least else (None, 0.0))
            if topic and len(ranked) > 1 and ranked[1][0] != NONE and (
                    ranked[0][1] - ranked[1][1] < CLOSE_PROBABILITY):
                rival = ranked[1][0]
        else:  # no model built yet: the lexicon alone
            second = lexical[1][1] if len(lexical) > 1 else 0.0
            topic = lex_topic
            confidence = _confidence(lex_best[1], second) if topic else 0.0
            ranked = [(t, s / lex_best[1]) for t, s in lexical] if topic else []
            if topic and second >= MIN_SCORE and lex_best[1] - second < CLOSE_MARGIN * lex_best[1]:
                rival = lexical[1][0]
        roles = self.topics.named_roles(analysis)
        region = analysis.concepts.get(REGION_WIDE, 0.0) >= 0.9
        named = [NamedUnit(self.role_kinds[r], r) for r in roles if r in self.role_kinds]
        named += [NamedUnit(k, region=region) for k in self.topics.named_kinds(analysis)
                  if not any(n.kind == k for n in named)]
        work = {c.removeprefix(KIND_PREFIX) for c in workplace_kinds(r, at_work)}
        if any(n.kind in self.kinds and n.kind not in work for n in named):
            named = [n for n in named if n.kind in self.kinds or n.kind in work]  # "soc-jouren":
            # socialjour, not "soc"; a kind named as the asker's workplace stays
        asks_for_named = asks_for(r, named, at_work)
        if asks_for_named and any(n.kind not in work for n in named):
            named = [n for n in named if n.kind not in work]  # "kurator här. … kontakt med
            # socialtjänsten": the unit asked for, not where the asker is
        danger, risks = danger_and_risks(analysis, self.danger_rules, r.toks, r.starts,
                                         r.found, r.at)
        # a story the rules do not read, about something the directory handles
        danger = danger or (topic is not None and not scope.only_units_and_when(
            r, self.topics.subjects, TIMES) and learnt_danger(heads.get(DANGER, 0.0), analysis,
                                                              r.toks))
        if topic is None and danger and DANGER_KIND in self.kind_topics:
            topic, confidence = self.kind_topics[DANGER_KIND], 0.5  # "jaktvapen hemma"
        errand = asks_for_named and not r.found and not situation(analysis) and (
            analysis.concepts.get(NOT_VIOLENCE, 0.0) >= 0.9)  # "kvinnojouren … loppis?"
        if asks_for_named and ((nothing >= NAMED_BUT_NOTHING and scope.more_than_names(r)) or (
                analysis.concepts.get(NOT_VIOLENCE, 0.0) >= 0.9
                and not situation(analysis) and not (topic and r.found))):
            asks_for_named = False  # "kaffemaskinen på akuten är trasig", "bröstsmärta, akuten
            # eller vårdcentralen?": not about its help (but "hur når jag hedersteamet? flicka
            # 15 som inte får gå på idrotten" is about its help for her)
        by_name = asks_for_named and (topic is None or not situation(analysis))
        if by_name:
            topic = next((self.kind_topics[n.kind] for n in named if n.kind in self.kind_topics),
                         topic)
            confidence, rival = (0.5 if topic else 0.0), None
        # violence or a report, and nothing of whom or what more: the first contact differs
        bare = not danger and not named and (
            scope.only(r, VIOLENCE, ONLY_VIOLENCE) or scope.only(r, REPORT, ONLY_REPORT))
        # a word of another matter and nobody in the question: another matter, though it
        # names a unit ("kan kvinnojouren ta emot skänkta kläder?"); an injury and how it
        # came about, and no violence ("bröt armen på fotbollen"), whatever the model says
        other = bool(topic) and not danger and (errand or (nothing >= OTHER_MATTER_FROM and (
            scope.other_matter(r, NOT_VIOLENCE) or scope.only_another_matter(
                r, NOT_VIOLENCE, self.topics.subjects, TIMES))) or scope.accident_only(
                    r, NOT_VIOLENCE, self.topics.subjects, TIMES))
        if other:
            asks_for_named = by_name = False
        if bare or other or (topic and not danger and not named and (
                scope.worry_only(r, self.topics.subjects) or scope.case_only(r))):
            topic, confidence, rival = None, 0.0, None
        person = persons.choose(r.found, analysis.ages, self.about.get(topic or ""),
                                analysis.concepts, self._open(topic))
        if by_name and self.child_topic and self.assume.get(topic or "") not in (
                None, Group.CHILD) and (person.group == Group.CHILD
                                        or any(n.role in self.for_children for n in named)):
            topic = self.child_topic  # "BRIS nummer, 13-åring": a unit asked for a child
            person = persons.choose(r.found, analysis.ages, Group.CHILD, analysis.concepts)
        if (self.about.get(topic or "") == Group.CHILD and self.their_topic
                and persons.child_harms_a_parent(r.found, r.at, r.toks)):
            # "hennes 16-åriga dotter slår henne", "the 14 year old who hits his mum": the
            # child uses violence and is the person (child services first, as the contract
            # says for a young person who uses violence)
            topic, rival = self.their_topic, None
            person = persons.choose(r.found, analysis.ages, PERPETRATOR_TAG, analysis.concepts)
        elif (self.older_topic and person.group == Group.OLDER
              and not persons.any_child(r.found) and (
                  self.about.get(topic or "") == Group.CHILD or (
                      self.about.get(topic or "") == Group.ADULT
                      and persons.older_said(r.found)))):
            # "The resident (91) told me her son hits her": a son or daughter, no child;
            # "dam 80 slagen av maken": an adult's topic for an older person
            topic, rival = self.older_topic, None
            person = persons.choose(r.found, analysis.ages, Group.OLDER, analysis.concepts)
        elif self.adult_topic and ((self.about.get(topic or "") == Group.CHILD and (
                persons.only_adults(r.found))) or (self.about.get(topic or "") == Group.OLDER
                                                   and persons.under_older_age(r.found, person))):
            topic, rival = self.adult_topic, None  # a child's topic and no child, an older
            # people's topic and nobody older ("64-årig kvinna"): the adults'
            person = persons.choose(r.found, analysis.ages, Group.ADULT, analysis.concepts)
        elif rival and person.uses_violence:
            topic, rival = persons.for_the_one_who_uses_violence(self.about, topic, rival)
        elif self.about.get(topic or "") == Group.CHILD and persons.asks_for_own_help(
                r.found, analysis.concepts):  # the parent who hits, asking for help
            person = persons.choose(r.found, analysis.ages, PERPETRATOR_TAG, analysis.concepts)
        person = persons.seconded(person, heads)
        vague = bare or (topic is None and not other and not danger and analysis.concepts.get(
            NOT_VIOLENCE, 0.0) < 0.9 and scope.asks_back(r, nothing))  # (not "blåmärken
        # efter provtagning": another matter)
        return Understanding(
            query=r.query, redacted=r.had_number, topic=topic,
            confidence=round(min(confidence, 1.0), 2),
            municipality=municipality, municipality_from=source, municipality_options=options,
            danger=danger, named=named,
            runners_up=[(t, round(p, 2)) for t, p in ranked[1:4]
                        if topic and t not in (NONE, topic) and p >= RUNNER_UP_FROM],
            analysis=analysis, person=person, asks_for_named=asks_for_named,
            mentions=r.found, rival=rival, vague=vague, risks=risks,
        )

    def _blend(self, probabilities: dict[str, float], lex_topic: str | None
               ) -> list[tuple[str, float]]:
        """The model's probabilities, with a bonus for the topic the lexicon's concepts
        point at (the two disagree most where one of them has not seen the wording)."""
        combined = {t: p for t, p in probabilities.items()
                    if t in self.known_topics or t == NONE}
        if lex_topic:
            combined[lex_topic] = combined.get(lex_topic, 0.0) + self.bonus
        return sorted(combined.items(), key=lambda kv: -kv[1])

    def _scores(self, r: Reading, at_work: frozenset[int]) -> list[tuple[str, float]]:
        """The lexicon's topic scores, best first, without the signals of a unit named only
        as the asker's workplace ("hos oss på ungdomsmottagningen: her uncle …")."""
        analysis = r.analysis
        work = workplace_kinds(r, at_work)
        if not work:
            return analysis.ranked()
        signals = self.topics.lexicon.signals
        scores = {t: s - sum(signals.get(t, {}).get(c, 0.0) * analysis.concepts[c]
                             for c in work) for t, s in analysis.scores.items()}
        return sorted(scores.items(), key=lambda kv: -kv[1])

    def person_for(self, u: Understanding) -> Person:
        """The person again, once the topic is known from a clarification."""
        if u.analysis is None:
            return u.person
        return persons.choose(u.mentions, u.analysis.ages, self.about.get(u.topic or ""),
                              u.analysis.concepts, self._open(u.topic))

    def _open(self, topic: str | None) -> bool:
        """A topic that neither says whom it is about nor assumes a group (the data)."""
        return topic is not None and not self.about.get(topic) and not self.assume.get(topic)

    def close_runner_up(self, u: Understanding) -> str | None:
        """The runner-up topic when it is too close to call."""
        return u.rival if u.topic and not u.asks_for_named else None


__all__ = ["KIND_PREFIX", "REQUIRED_CONCEPTS", "Understander", "Understanding",
           "danger_and_risks"]
