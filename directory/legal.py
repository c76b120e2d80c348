"""The legal sources the directory's texts rest on, and the checklist lines that cite them.

Every legal statement a coordinator writes (a checklist line, a path step's why, a role's
instructions) names its sources by id; `sources.yaml` keeps each act and section with the
day it was last checked against the published text, so that a yearly review has one list
to go through (docs/legal-sources.md). A text that reads like a legal statement but names
no source is a warning at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from directory.hours import HoursError, parse_date
from directory.model import ChecklistLine, LegalSource
from directory.vocabulary import Asker, values

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
CHECK_EVERY_DAYS = 365  # a source not checked for a year is due for review

# Words that make a text a statement about what the law requires or allows. Practical
# advice ("ring", "dokumentera") is not matched; a duty, a permission or a crime is.
LEGAL_WORDS = re.compile(
    r"§|\bSFS\b|\b(lag|lagen|lagens)\b|\bbrottsbalken\b|\bBrB\b|"
    r"\b(socialtjänst|sekretess|patientsäkerhets|sjukvårds|tandvårds|folkbokförings|"
    r"förvaltnings|polis|diskriminerings)lagen\b|"
    r"\bOSL\b|\bSoL\b|\bHSL\b|\bPSL\b|\bLVU\b|\blex (Sarah|Maria)\b|anmälningsplikt|"
    r"anmälningsskyldig|uppgiftsskyldig|sekretess|rättsintyg|straffskala|fängelse|"
    r"barnfridsbrott|samtycke behövs inte|behövs inget samtycke|\bska polisanmälas\b|"
    r"\bär (ett )?brott\b|\bär brottsligt\b",
    re.IGNORECASE)


def reads_as_legal(text: str) -> bool:
    """Whether a text states law (and so must name its sources)."""
    return bool(LEGAL_WORDS.search(text or ""))


def parse_sources(doc: Any, p: Any) -> list[LegalSource]:
    """The `sources:` list of sources.yaml."""
    raw = doc.get("sources") if isinstance(doc, dict) else None
    if not isinstance(raw, list):
        p.add(doc, "sources", "'sources' ska vara en lista med lagrum")
        return []
    out: list[LegalSource] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            p.add(raw, i, "ett lagrum ska ha id, act och checked")
            continue
        source_id = str(item.get("id") or "").strip()
        if not SLUG.match(source_id):
            p.add(item, "id", f"'{source_id}' är ingen giltig id (a-z, 0-9, bindestreck)")
            continue
        if source_id in seen:
            p.add(item, "id", f"lagrummet '{source_id}' finns två gånger")
        seen.add(source_id)
        act = str(item.get("act") or "").strip()
        if not act:
            p.add(item, "act", "'act' saknas (lagens namn med SFS-nummer)")
        try:
            checked = parse_date(item.get("checked"))
        except HoursError as e:
            p.add(item, "checked", f"'checked' (dagen lagrummet kontrollerades): {e}")
            continue
        out.append(LegalSource(
            id=source_id, act=act, checked=checked,
            short=str(item.get("short") or "").strip(),
            section=str(item.get("section") or "").strip(),
            url=str(item.get("url") or "").strip(),
            note=str(item.get("note") or "").strip()))
    return out


def source_doc(s: LegalSource) -> dict[str, str]:
    out: dict[str, str] = {"id": s.id, "act": s.act}
    if s.short:
        out["short"] = s.short
    if s.section:
        out["section"] = s.section
    out["checked"] = s.checked.isoformat()
    if s.url:
        out["url"] = s.url
    if s.note:
        out["note"] = s.note
    return out


def parse_checklist(raw: Any, holder: Any, p: Any) -> tuple[ChecklistLine, ...]:
    """A topic's checklist: each line a string, or {text, sources, askers}."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        p.add(holder, "checklist", "'checklist' ska vara en lista med rader")
        return ()
    out = []
    for i, item in enumerate(raw):
        if isinstance(item, str | int | float):
            out.append(ChecklistLine(str(item)))
            continue
        if not isinstance(item, dict) or not str(item.get("text") or "").strip():
            p.add(raw, i, "en rad ska vara text, eller text: med sources: och askers:")
            continue
        ids, askers = item.get("sources") or [], item.get("askers") or []
        if not isinstance(ids, list) or not isinstance(askers, list):
            p.add(item, "sources", "'sources' och 'askers' ska vara listor")
            continue
        for asker in askers:
            if str(asker) not in values(Asker):
                p.add(item, "askers", f"'{asker}' är ingen frågande ({', '.join(values(Asker))})")
        out.append(ChecklistLine(str(item["text"]).strip(), tuple(str(x) for x in ids),
                                 tuple(str(x) for x in askers)))
    return tuple(out)


def line_doc(line: ChecklistLine) -> str | dict[str, Any]:
    """The canonical form: a plain string when the line has neither sources nor askers."""
    if not line.sources and not line.askers:
        return line.text
    out: dict[str, Any] = {"text": line.text}
    if line.askers:
        out["askers"] = list(line.askers)
    if line.sources:
        out["sources"] = list(line.sources)
    return out


def cite(ids: Iterable[str], sources: dict[str, LegalSource]) -> str:
    """'10 kap. 23 § OSL; Socialtjänstlag (2025:400)' for the known ids, in order."""
    seen: list[str] = []
    for source_id in ids:
        source = sources.get(source_id)
        if source is not None and source.citation not in seen:
            seen.append(source.citation)
    return "; ".join(seen)


def with_citation(text: str, ids: Iterable[str], sources: dict[str, LegalSource]) -> str:
    """The text followed by its sources in brackets, as staff read it."""
    citation = cite(ids, sources)
    return f"{text} [{citation}]" if citation else text


def source_json(s: LegalSource) -> dict[str, Any]:
    return {"id": s.id, "citation": s.citation, "act": s.act, "section": s.section or None,
            "checked": s.checked.isoformat(), "url": s.url or None}
