"""Understanding staff questions: redaction, places, situations, and the decision.

Everything the matcher knows comes from the lexicon in the database, so coordinators
can add a synonym or a locality without a release.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from directory.understand.places import choose
from directory.understand.redact import redact
from directory.understand.text import original_words
from directory.understand.topics import MIN_SITUATION, Analysis, TopicMatcher

if TYPE_CHECKING:  # the snapshot imports the place finder from this package
    from directory.snapshot import Directory

DANGER_CONCEPT = "akut"
NOW_CONCEPT, HARM_CONCEPTS = "nu", ("vald", "hot")  # "slår henne nu", "hotar … nu"
NOW_REACH = 3  # "nu" counts only this close to the violence or threat it qualifies
MIN_SCORE = 0.6  # below this nothing in the directory fits
CLOSE_MARGIN = 0.08  # share of the best score within which a runner-up competes


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
    named_kinds: list[str] = field(default_factory=list)
    runners_up: list[tuple[str, float]] = field(default_factory=list)
    analysis: Analysis | None = None


def _harm_now(a: Analysis) -> bool:
    """Violence or a threat with "nu" right beside it: "slår henne nu", "hotar … nu"."""
    now = a.positions.get(NOW_CONCEPT, [])
    harm = [p for c in HARM_CONCEPTS if a.concepts.get(c, 0.0) >= 0.9
            for p in a.positions.get(c, [])]
    return any(abs(n - h) <= NOW_REACH for n in now for h in harm)


def _confidence(best: float, second: float) -> float:
    if best <= 0:
        return 0.0
    margin = max(0.0, best - max(second, 0.0)) / best
    return round((1 - math.exp(-best)) * (0.5 + 0.5 * margin), 2)


class Understander:
    """Built once per directory generation; cheap to call."""

    def __init__(self, directory: Directory) -> None:
        self.generation = directory.lexicon_version
        self.topics = TopicMatcher(directory.lexicon)
        self.places = directory.places()
        self.known_topics = set(directory.topics)

    def understand(self, text: str, default_municipality: str | None = None) -> Understanding:
        query, had_number = redact(text)
        hits = self.places.find(query, original_words(query))
        skip = frozenset(i for h in hits for i in range(h.start, h.end))
        analysis = self.topics.analyse(query, skip)
        municipality, options = choose(hits)
        source = "question" if municipality else "none"
        if municipality is None and not options and default_municipality:
            municipality, source = default_municipality, "default"
        ranked = [(t, s) for t, s in analysis.ranked() if t in self.known_topics and s > 0]
        best = ranked[0] if ranked else (None, 0.0)
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        enough = best[1] >= MIN_SCORE and analysis.situation >= MIN_SITUATION
        topic = best[0] if enough else None
        runners = [(t, s) for t, s in ranked[1:4]
                   if topic and s >= MIN_SCORE * 0.5 and s >= best[1] * 0.3]
        return Understanding(
            query=query, redacted=had_number, topic=topic,
            confidence=_confidence(best[1], second) if topic else 0.0,
            municipality=municipality, municipality_from=source, municipality_options=options,
            danger=analysis.concepts.get(DANGER_CONCEPT, 0.0) >= 0.9 or _harm_now(analysis),
            named_kinds=self.topics.named_kinds(analysis),
            runners_up=[(t, round((1 - math.exp(-s)) * s / best[1], 2)) for t, s in runners],
            analysis=analysis,
        )

    def close_runner_up(self, u: Understanding) -> str | None:
        """The runner-up topic when it is too close to call."""
        if not u.topic or not u.analysis:
            return None
        ranked = [(t, s) for t, s in u.analysis.ranked() if t in self.known_topics]
        if len(ranked) < 2:
            return None
        (_, best), (second_topic, second) = ranked[0], ranked[1]
        if second >= MIN_SCORE and best - second < CLOSE_MARGIN * best:
            return second_topic
        return None
