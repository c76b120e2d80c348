"""Understanding staff questions: redaction, places, situations, the person, and the decision.

Everything the matcher knows comes from the lexicon in the database, so coordinators
can add a synonym or a locality without a release.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from directory.model import DangerRule, NamedUnit, Person
from directory.understand import person as persons
from directory.understand.model import NONE, PLACE, char_grams, word_grams
from directory.understand.places import PlaceHit, choose
from directory.understand.redact import redact
from directory.understand.text import is_stop, original_words, tokens
from directory.understand.topics import KIND_PREFIX, MIN_SITUATION, Analysis, TopicMatcher

if TYPE_CHECKING:  # the snapshot imports the place finder from this package
    from directory.snapshot import Directory

DANGER_KIND = "larmnummer"
MIN_SCORE = 0.6  # lexicon: below this score nothing in the directory fits
MIN_PROBABILITY = 0.35  # below this (model and lexicon together) nothing fits
CLOSE_PROBABILITY = 0.08  # a runner-up this close to the best is too close to call
LEXICON_BONUS = 0.15  # added to the model's probability of the lexicon's own topic
RUNNER_UP_FROM = 0.1
AGE_WORDS = frozenset({"ar", "aring", "arig", "years", "year", "old", "yo", "manader",
                       "manad", "veckor", "vecka", "months", "weeks"})
CLOSE_MARGIN = 0.08  # lexicon alone: share of the best score within which a runner-up competes
NAMED_ONLY_BELOW = 0.9  # situation evidence beyond a unit's name below this: the name decides
# Concept names the code reads; the importer refuses a lexicon that lacks one of them.
REQUIRED_CONCEPTS = persons.CONCEPTS


@dataclass(frozen=True)
class _Reading:
    query: str
    had_number: bool
    hits: list[PlaceHit]
    skip: frozenset[int]
    analysis: Analysis
    toks: list[str]
    found: list[persons.Mention]


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
    asks_for_named: bool = False  # the question only asks for a unit by name
    mentions: list[persons.Mention] = field(default_factory=list)
    rival: str | None = None  # a second topic too close to call

    @property
    def said(self) -> frozenset[str]:
        """Concepts the question clearly showed (for path steps "for: [skada]")."""
        if self.analysis is None:
            return frozenset()
        return frozenset(c for c, v in self.analysis.concepts.items() if v >= 0.9)


def in_danger(a: Analysis, rules: tuple[DangerRule, ...]) -> bool:
    """A danger rule holds when all its concepts are found within its reach of each other.
    A concept counts only at full strength (not negated, not a weak typo match)."""
    for rule in rules:
        where = [[p for p in a.positions.get(c, []) if a.concepts.get(c, 0.0) >= 0.9]
                 for c in rule.concepts]
        if not all(where):
            continue
        first, *rest = where
        if any(all(any(abs(p - q) <= rule.reach for q in ps) for ps in rest) for p in first):
            return True
    return False


def key(d: Directory) -> tuple:
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

    def __init__(self, directory: Directory, use_model: bool = True) -> None:
        self.model = directory.model if use_model else None
        self.generation = key(directory)
        self.topics = TopicMatcher(directory.lexicon, directory.unit_aliases())
        self.role_kinds = {r.id: r.kind for r in directory.roles.values()}
        self.places = directory.places()
        self.known_topics = set(directory.topics)
        self.about = {t.slug: t.about for t in directory.topics.values()}
        self.kind_topics = {k.slug: k.topic for k in directory.kinds.values() if k.topic}
        self.danger_rules = directory.lexicon.danger

    def _read(self, text: str) -> _Reading:
        query, had_number = redact(text)
        hits = self.places.find(query, original_words(query))
        skip = frozenset(i for h in hits for i in range(h.start, h.end))
        analysis = self.topics.analyse(query, skip)
        toks = tokens(query)
        found = persons.mentions(toks, analysis.concepts_at(), analysis.ages, skip)
        return _Reading(query, had_number, hits, skip, analysis, toks, found)

    def features(self, text: str) -> dict[str, list[str]]:
        """The topic model's features of a question (the same for training and answering)."""
        return self._grams(self._read(text))

    @staticmethod
    def _grams(r: _Reading) -> dict[str, list[str]]:
        masked = [PLACE if i in r.skip else t for i, t in enumerate(r.toks)]
        person = persons.choose(r.found, r.analysis.ages, None, r.analysis.concepts)
        concept = ["c:" + c for c, v in r.analysis.concepts.items() if v >= 0.5]
        concept += ["ph:" + t for t in r.analysis.phrases]
        concept += ["p:" + t for t in (person.group, person.gender) if t]
        return {"char": char_grams(masked), "word": word_grams(masked), "concept": concept}

    def understand(self, text: str, default_municipality: str | None = None) -> Understanding:
        r = self._read(text)
        analysis = r.analysis
        municipality, options = choose(r.hits)
        source = "question" if municipality else "none"
        if municipality is None and not options and default_municipality:
            municipality, source = default_municipality, "default"
        lexical = [(t, s) for t, s in analysis.ranked() if t in self.known_topics and s > 0]
        lex_best = lexical[0] if lexical else (None, 0.0)
        lex_topic = (lex_best[0] if lex_best[1] >= MIN_SCORE
                     and analysis.situation >= MIN_SITUATION else None)
        rival = None
        if self.model is not None and not self._only_who(r):
            ranked = self._blend(self.model.probabilities(self._grams(r)), lex_topic)
            topic, confidence = (ranked[0] if ranked[0][0] != NONE
                                 and ranked[0][1] >= MIN_PROBABILITY else (None, 0.0))
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
        named = [NamedUnit(self.role_kinds[r], r) for r in roles if r in self.role_kinds]
        named += [NamedUnit(k) for k in self.topics.named_kinds(analysis)
                  if not any(n.kind == k for n in named)]
        asks_for_named = bool(named) and analysis.beyond_names < NAMED_ONLY_BELOW
        danger = in_danger(analysis, self.danger_rules)
        if topic is None and danger and DANGER_KIND in self.kind_topics:
            topic, confidence = self.kind_topics[DANGER_KIND], 0.5  # "jaktvapen hemma"
        if asks_for_named and (topic is None or not self._situation(analysis)):
            topic = next((self.kind_topics[n.kind] for n in named if n.kind in self.kind_topics),
                         topic)
            confidence, rival = (0.5 if topic else 0.0), None
        person = persons.choose(r.found, analysis.ages, self.about.get(topic or ""),
                                analysis.concepts)
        return Understanding(
            query=r.query, redacted=r.had_number, topic=topic,
            confidence=round(min(confidence, 1.0), 2),
            municipality=municipality, municipality_from=source, municipality_options=options,
            danger=danger, named=named,
            runners_up=[(t, round(p, 2)) for t, p in ranked[1:4]
                        if topic and t not in (NONE, topic) and p >= RUNNER_UP_FROM],
            analysis=analysis, person=person, asks_for_named=asks_for_named,
            mentions=r.found, rival=rival,
        )

    def _blend(self, probabilities: dict[str, float], lex_topic: str | None
               ) -> list[tuple[str, float]]:
        """The model's probabilities, with a bonus for the topic the lexicon's concepts
        point at (the two disagree most where one of them has not seen the wording)."""
        combined = {t: p for t, p in probabilities.items()
                    if t in self.known_topics or t == NONE}
        if lex_topic:
            combined[lex_topic] = combined.get(lex_topic, 0.0) + LEXICON_BONUS
        return sorted(combined.items(), key=lambda kv: -kv[1])

    def _only_who(self, r: _Reading) -> bool:
        """Nothing but who ("barn", "kvinna 40 år", "pappa"): no situation to route."""
        if r.analysis.situation >= MIN_SITUATION:
            return False
        at = r.analysis.concepts_at()
        for i, tok in enumerate(r.toks):
            if i in r.skip or len(tok) < 2 or tok.isdigit() or is_stop(tok) or tok in AGE_WORDS:
                continue
            if not at.get(i) or not at[i] <= self.topics.subjects:
                return False
        return True

    @staticmethod
    def _situation(a: Analysis) -> bool:
        """Does the question say more than the names of units?"""
        return a.beyond_names >= NAMED_ONLY_BELOW

    def person_for(self, u: Understanding) -> Person:
        """The person again, once the topic is known from a clarification."""
        if u.analysis is None:
            return u.person
        return persons.choose(u.mentions, u.analysis.ages, self.about.get(u.topic or ""),
                              u.analysis.concepts)

    def close_runner_up(self, u: Understanding) -> str | None:
        """The runner-up topic when it is too close to call."""
        return u.rival if u.topic and not u.asks_for_named else None


__all__ = ["KIND_PREFIX", "REQUIRED_CONCEPTS", "Understander", "Understanding", "in_danger"]
