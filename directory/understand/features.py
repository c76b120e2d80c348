"""What the topic model reads of a question, the same for training and answering: its
words with place names masked (places must not teach topics), their character and word
n-grams, and the lexicon's concepts, phrases and the person as extra words."""

from __future__ import annotations

from dataclasses import dataclass

from directory.understand import person as persons
from directory.understand.model import PLACE, TopicModel, char_grams, word_grams
from directory.understand.places import PlaceHit
from directory.understand.topics import Analysis

CHAR_BLOCK = "char"  # the topic model's block of character n-grams
WORD_ROWS_MAX = 50_000  # words whose character n-gram rows are kept (forgotten all at once)


@dataclass(frozen=True)
class Reading:
    """One question as read once: places, the lexicon's analysis, words and persons."""

    query: str
    had_number: bool
    hits: list[PlaceHit]
    skip: frozenset[int]
    analysis: Analysis
    toks: list[str]
    found: list[persons.Mention]
    at: dict[int, set[str]]  # token index -> the concepts found there (computed once)
    starts: frozenset[int] = frozenset()  # indices of the words that begin a sentence


def masked(r: Reading) -> list[str]:
    """The question's words with place names masked."""
    return [PLACE if i in r.skip else t for i, t in enumerate(r.toks)]


def concept_features(r: Reading) -> list[str]:
    """The lexicon's concepts, phrases and the person as extra words for the model."""
    person = persons.choose(r.found, r.analysis.ages, None, r.analysis.concepts)
    concept = ["c:" + c for c, v in r.analysis.concepts.items() if v >= 0.5]
    concept += ["ph:" + t for t in r.analysis.phrases]
    return concept + ["p:" + t for t in (person.group, person.gender) if t]


def grams(r: Reading) -> dict[str, list[str]]:
    """The topic model's features of a question, block name -> features."""
    words = masked(r)
    return {CHAR_BLOCK: char_grams(words), "word": word_grams(words),
            "concept": concept_features(r)}


class WordRows:
    """Each word's character n-gram rows in one model, kept: a question's n-grams are its
    words' n-grams one after the other, so a question read for the first time mostly
    reuses words seen before (most of the cost of reading it). The probabilities are the
    very numbers `grams` gives."""

    def __init__(self) -> None:
        self._rows: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def probabilities(self, model: TopicModel, r: Reading) -> dict[str, float]:
        return self.scores(model, r)[0]

    def scores(self, model: TopicModel, r: Reading
               ) -> tuple[dict[str, float], dict[str, float]]:
        """The model's class probabilities and heads (`TopicModel.scores`)."""
        block = next((b for b in model.blocks if b.name == CHAR_BLOCK), None)
        if block is None:
            return model.scores(grams(r))
        known = self._rows
        if len(known) >= WORD_ROWS_MAX:
            known.clear()
        words = masked(r)
        rows: list[int] = []
        for tok in words:
            found = known.get(tok)
            if found is None:
                found = known[tok] = block.word_rows(tok)
            rows.extend(found)
        return model.scores({"word": word_grams(words), "concept": concept_features(r)},
                            {CHAR_BLOCK: rows})
