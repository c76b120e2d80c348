"""Checks across a whole import: legal sources that must exist (errors), and things a person
should look at although nothing is invalid (warnings: the import still goes on).

Warnings:
- a text that reads like a legal statement (directory.legal.reads_as_legal) names no source;
- a role of a kind that receives written reports (`secure_reports` in taxonomy.yaml) offers
  plain e-mail: an orosanmälan goes by e-service, secure e-mail or post, never plain e-mail;
- a role stores an address among its protected fields: a contact-path directory never
  needs the address of a skyddat boende, so it is better not kept at all.
"""

from __future__ import annotations

import re
from typing import Any

from directory.import_context import ImportContext
from directory.legal import reads_as_legal
from directory.model import Bundle, Kind
from directory.yamlio import LineList, Problem

ADDRESS_FIELD = re.compile(r"adress|address|gata|street|vistelse|location|plats", re.I)


def _checklists(bundle: Bundle, ctx: ImportContext) -> list[tuple[str, int, Any]]:
    """(file, line, ChecklistLine) for every checklist line in the bundle."""
    out: list[tuple[str, int, Any]] = []
    if bundle.topics is None or ctx.taxonomy is None:
        return out
    name, doc = ctx.taxonomy
    listed = doc.get("topics") if isinstance(doc.get("topics"), list) else []
    raw_topics = {str(t.get("slug")): t for t in listed if isinstance(t, dict)}
    for topic in bundle.topics:
        raw = raw_topics.get(topic.slug, {}).get("checklist")
        for j, line in enumerate(topic.lines):
            number = raw.line_of(j) if isinstance(raw, LineList) else 0
            out.append((name, number, line))
    return out


def _steps(bundle: Bundle, ctx: ImportContext) -> list[tuple[str, int, Any]]:
    out = []
    for path in bundle.paths:
        file, line = ctx.path_at(path.topic, path.municipality)
        out += [(file, line, step) for step in path.steps]
    return out


def _roles(bundle: Bundle, ctx: ImportContext) -> list[tuple[str, int, Any, Any]]:
    out = []
    for _org, roles in bundle.organisations:
        for role in roles:
            file, line, raw = ctx.role_lines[role.id]
            out.append((file, line, raw, role))
    return out


def check_sources(bundle: Bundle, ctx: ImportContext, known: set[str]
                  ) -> list[Problem]:
    """Every source id named in the bundle exists in the registry (errors)."""
    problems = []

    def check(file: str, line: int, ids: tuple[str, ...], what: str) -> None:
        for source_id in ids:
            if source_id not in known:
                problems.append(Problem(file, line, f"{what}: okänt lagrum '{source_id}' "
                                        "(se sources.yaml)"))

    for file, line, item in _checklists(bundle, ctx):
        check(file, line, item.sources, "checklistan")
    for file, line, step in _steps(bundle, ctx):
        check(file, line, step.sources, "kontaktvägen")
    for file, line, raw, role in _roles(bundle, ctx):
        check(file, raw.line_of("sources") if hasattr(raw, "line_of") else line,
              role.sources, role.id)
    return problems


def warnings(bundle: Bundle, ctx: ImportContext, kinds: list[Kind]) -> list[Problem]:
    out = []
    unsourced = "låter som en regel i lag men anger inget lagrum (sources:)"
    for file, line, item in _checklists(bundle, ctx):
        if reads_as_legal(item.text) and not item.sources:
            out.append(Problem(file, line, f"checklistan: '{item.text[:60]}…' {unsourced}"))
    for file, line, step in _steps(bundle, ctx):
        if reads_as_legal(step.why) and not step.sources:
            out.append(Problem(file, line, f"kontaktvägen: '{step.why[:60]}…' {unsourced}"))
    secure = {k.slug for k in kinds if k.secure_reports}
    for file, _line, raw, role in _roles(bundle, ctx):
        if reads_as_legal(role.instructions) and not role.sources:
            out.append(Problem(file, raw.line_of("instructions"),
                               f"{role.id}: instruktionerna {unsourced}"))
        if role.kind in secure and any(c.channel == "email" for c in role.contacts):
            out.append(Problem(file, raw.line_of("contacts"), (
                f"{role.id}: vanlig e-post för anmälningar – en skriftlig orosanmälan skickas "
                "med e-tjänst (web), säker e-post (secure-email) eller post, aldrig med "
                "vanlig e-post")))
        addresses = [k for k, _ in role.protected if ADDRESS_FIELD.search(k)]
        if addresses:
            out.append(Problem(file, raw.line_of("protected"), (
                f"{role.id}: skyddad uppgift '{addresses[0]}' ser ut som en adress – "
                "katalogen behöver aldrig adressen till ett skyddat boende; ta bort den")))
    return sorted(out, key=lambda x: (x.file, x.line))
