"""What an answer says beside the route: the checklist for whoever asks, the legal sources
behind it, and what the agreement says (which local agreement the route follows, the
municipality's note for the topic, where problems with the cooperation are reported).

All of it is data (taxonomy.yaml, sources.yaml, the agreements in the path files); this
module only picks what applies to one question.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from directory.agreements import agreement_json, describe
from directory.legal import source_json, with_citation
from directory.model import Agreement, ChecklistLine, LegalSource
from directory.snapshot import Directory
from directory.vocabulary import Asker, values


@dataclass
class Guidance:
    asker: str | None = None
    lines: list[ChecklistLine] = field(default_factory=list)  # the lines for this asker
    checklist: list[str] = field(default_factory=list)  # as shown, with their sources
    sources: list[LegalSource] = field(default_factory=list)  # cited anywhere in the answer
    agreement: Agreement | None = None  # the local agreement whose path the route follows
    note: str | None = None  # what the agreement says about this topic here
    deviations: str | None = None  # where problems with the cooperation are reported

    def agreement_line(self) -> str | None:
        return describe(self.agreement) if self.agreement else None

    def to_json(self, today: dt.date) -> dict[str, Any]:
        return {
            "asker": self.asker,
            "checklist_items": [{"text": line.label(self.asker), "sources": list(line.sources),
                                 "askers": list(line.askers)} for line in self.lines],
            "sources": [source_json(s) for s in self.sources],
            "agreement": agreement_json(self.agreement, today) if self.agreement else None,
            "agreement_note": self.note,
            "deviations": self.deviations,
        }


def known_asker(value: str | None) -> str | None:
    """An asker key (vard, socialtjanst, myndighet), or None; unknown values are refused."""
    if value is None or not str(value).strip():
        return None
    key = str(value).strip().casefold()
    if key not in values(Asker):
        raise ValueError(f"okänd frågande '{value}' (en av: {', '.join(values(Asker))})")
    return key


def guide(d: Directory, topic: str, municipality: str | None, local: bool,
          cited: list[tuple[str, ...]], asker: str | None = None) -> Guidance:
    """The guidance for (topic, municipality); `cited` are the source ids of the route's
    steps and roles, so that every source the answer rests on is listed once."""
    g = Guidance(asker=asker)
    topic_obj = d.topics.get(topic)
    if topic_obj is not None:
        g.lines = list(topic_obj.checklist_for(asker))
        g.checklist = [with_citation(line.label(asker), line.sources, d.sources)
                       for line in g.lines]
    ids: list[str] = []
    for group in [line.sources for line in g.lines] + cited:
        ids += [i for i in group if i not in ids]
    g.sources = [d.sources[i] for i in ids if i in d.sources]
    here = d.agreements.get(municipality) if municipality else None
    regional = d.agreements.get(None)
    g.agreement = here if local else None
    for agreement in (here, regional):
        if agreement is not None and g.note is None:
            g.note = agreement.note(topic)
        if agreement is not None and not g.deviations and agreement.deviations:
            g.deviations = agreement.deviations
    return g
