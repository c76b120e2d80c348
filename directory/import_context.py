"""Where an import read each thing (file and line), for the checks that run after reading.

One ImportContext per import: it is made by `importer.read_bundle` and passed on, so two
imports never share (or clear) each other's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Where = tuple[str, int]  # (file, line)


@dataclass
class ImportContext:
    places: tuple[Any, str] | None = None  # (document, file) of lexicon/places.yaml
    topics_lexicon: tuple[Any, str] | None = None  # (document, file) of lexicon/topics.yaml
    taxonomy: tuple[str, Any] | None = None  # (file, document) of taxonomy.yaml
    role_lines: dict[str, tuple[str, int, Any]] = field(default_factory=dict)  # id -> raw doc
    org_sources: list[Where] = field(default_factory=list)  # one per organisation read
    path_lines: dict[tuple[str, str | None], Where] = field(default_factory=dict)
    agreement_lines: dict[str | None, Where] = field(default_factory=dict)  # scope -> where
    example_lines: dict[str, dict[str, Where]] = field(default_factory=dict)  # source -> q

    def path_at(self, topic: str, municipality: str | None) -> Where:
        return self.path_lines.get((topic, municipality), ("?", 0))
