"""`kontaktvag export`: the whole directory as the files `import` reads, written one way."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path as FsPath
from typing import Any

from directory.agreements import agreement_doc
from directory.documents import organisation_doc, role_doc, step_doc
from directory.legal import line_doc, source_doc
from directory.lexicon_doc import file_docs
from directory.model import Role
from directory.store import Store
from directory.store.rows import swaps_doc
from directory.yamlio import dump

HEADER = ("# Kontaktväg – katalogfil. Redigera och läs in med `kontaktvag import`;\n"
          "# formatet beskrivs i docs/data-format.md.\n")


EXAMPLES_HEADER = HEADER + (
    "# Frågor med rätt ämne som förståelsen lär sig av (topic: null = inget i katalogen\n"
    "# passar). Kopiera aldrig frågor från en utvärderingsfil hit.\n")


def slugify(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.lower())
    ascii_ = "".join(c for c in folded if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else "-" for c in ascii_).strip("-")


async def export_files(store: Store) -> dict[str, str]:
    """Relative path -> file text, for the whole directory (protected fields included:
    export is an administrator's backup and must round-trip)."""
    files: dict[str, str] = {}
    topics, kinds = await store.topics(), await store.kinds()
    files["taxonomy.yaml"] = HEADER + dump({
        "topics": [{"slug": t.slug, "label": t.label, "urgent": t.urgent}
                   | ({"about": t.about} if t.about else {})
                   | ({"assume": t.assume} if t.assume else {})
                   | ({"ask_municipality": True} if t.ask_municipality else {})
                   | {"checklist": [line_doc(x) for x in t.lines]} for t in topics],
        "kinds": [{"slug": k.slug, "label": k.label} | ({"topic": k.topic} if k.topic else {})
                  | ({"secure_reports": True} if k.secure_reports else {})
                  | swaps_doc(k) for k in kinds],
    })
    sources = await store.sources()
    if sources:
        files["sources.yaml"] = HEADER + dump({"sources": [source_doc(s) for s in sources]})
    lexicon = file_docs(await store.lexicon(), [t.slug for t in topics])
    files.update((name, HEADER + dump(doc)) for name, doc in lexicon.items())
    roles = await store.roles(with_protected=True)
    by_org: dict[str, list[Role]] = {}
    for r in roles:
        by_org.setdefault(r.org_id, []).append(r)
    for org in await store.organisations():
        doc = organisation_doc(org)
        doc["roles"] = [role_doc(r, with_protected=True) for r in by_org.get(org.id, [])]
        files[f"organisations/{org.id}.yaml"] = HEADER + dump(doc)
    regional: dict[str, list[dict[str, Any]]] = {}
    local: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path in await store.paths():
        steps = [step_doc(s) for s in path.steps]
        if path.municipality is None:
            regional[path.topic] = steps
        else:
            local.setdefault(path.municipality, {})[path.topic] = steps
    files["paths/regional.yaml"] = HEADER + dump({"paths": regional})
    by_source: dict[str, list[dict[str, object]]] = {}
    for e in await store.examples():
        by_source.setdefault(e.source, []).append(
            {"q": e.question, "topic": e.topic} | e.labels())
    for source, items in by_source.items():
        files[f"examples/{source}.yaml"] = EXAMPLES_HEADER + dump({"examples": items})
    agreements = await store.agreements()
    regional_doc: dict[str, Any] = {}
    if agreements.get(None):
        regional_doc["agreement"] = agreement_doc(agreements[None])
    regional_doc["paths"] = regional
    files["paths/regional.yaml"] = HEADER + dump(regional_doc)
    # A municipality with an agreement but no local path yet still gets its file.
    for municipality in sorted(m for m in agreements if m is not None and m not in local):
        local[municipality] = {}
    for municipality, paths in local.items():
        doc = {"municipality": municipality}  # a dict[str, Any], as above
        if agreements.get(municipality):
            doc["agreement"] = agreement_doc(agreements[municipality])
        doc["paths"] = paths
        files[f"paths/local/{slugify(municipality)}.yaml"] = HEADER + dump(doc)
    return files


async def export_to(store: Store, target: FsPath) -> list[FsPath]:
    """Write the files readable by their owner only (0600, new folders 0700): an export
    holds the protected fields, such as a shelter's address."""
    written = []
    for rel, text in (await export_files(store)).items():
        path = target / rel
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        written.append(path)
    return written
