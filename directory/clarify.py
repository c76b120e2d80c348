"""A question back to the asker when the answer depends on what the question does not say."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from directory.model import Topic

TOPIC, MUNICIPALITY = "topic", "municipality"


MUNICIPALITY_QUESTION = "Vilken kommun gäller det?"

@dataclass(frozen=True)
class Clarification:
    """What to ask, which field of the understanding the reply sets, and the choices (topic
    slugs or municipality names; `labels`, when given, is what people read for each)."""

    question: str
    field: str  # TOPIC | MUNICIPALITY
    options: tuple[str, ...]
    labels: tuple[str, ...] | None = None

    @classmethod
    def topic(cls, topics: list[Topic]) -> Clarification:
        return cls("Vilken situation gäller det?", TOPIC, tuple(t.slug for t in topics),
                   tuple(t.label for t in topics))

    @classmethod
    def municipality(cls, names: list[str]) -> Clarification:
        return cls(MUNICIPALITY_QUESTION, MUNICIPALITY, tuple(names))

    @property
    def shown(self) -> tuple[str, ...]:
        """The choices as people read them."""
        return self.labels or self.options

    def to_json(self) -> dict[str, Any]:
        """The ask contract's `clarify` object (labels only for topics)."""
        out: dict[str, Any] = {"question": self.question, "field": self.field,
                               "options": list(self.options)}
        if self.labels is not None:
            out["labels"] = list(self.labels)
        return out
