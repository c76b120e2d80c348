"""The regional agreement and each municipality's local one, as data.

A path file names the agreement it follows (`agreement:` in paths/regional.yaml and in
paths/local/<slug>.yaml): title, link, when it was signed and is to be reviewed, where
problems with the cooperation itself are reported (avvikelse), and short notes per topic
(who calls to a SIP). Answers that use a local path say which agreement they follow; the
coverage page flags agreements past their review date.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from directory.hours import HoursError, parse_date
from directory.model import Agreement

FIELDS = ("title", "url", "signed", "review", "deviations", "notes")


def parse_agreement(value: Any, scope: str | None, holder: Any, p: Any) -> Agreement | None:
    """`agreement:` of a path file: a title alone, or a mapping with the fields above."""
    if value is None:
        return None
    if isinstance(value, str):
        return Agreement(scope, value.strip()) if value.strip() else None
    if not isinstance(value, dict):
        p.add(holder, "agreement", "'agreement' ska vara en titel eller title:, url:, "
              "signed:, review:, deviations:, notes:")
        return None
    unknown = [str(k) for k in value if k not in FIELDS]
    if unknown:
        p.add(value, unknown[0], f"okänt fält '{unknown[0]}' i överenskommelsen "
              f"({', '.join(FIELDS)})")
    title = str(value.get("title") or "").strip()
    if not title:
        p.add(value, "title", "överenskommelsen behöver title:")
    dates: dict[str, dt.date | None] = {}
    for key in ("signed", "review"):
        try:
            dates[key] = parse_date(value[key]) if value.get(key) else None
        except HoursError as e:
            p.add(value, key, f"'{key}': {e}")
            dates[key] = None
    if dates["signed"] and dates["review"] and dates["review"] < dates["signed"]:
        p.add(value, "review", "granskningsdatumet ligger före datumet då den antogs")
    notes = value.get("notes") or {}
    if not isinstance(notes, dict) or any(not isinstance(v, str) for v in notes.values()):
        p.add(value, "notes", "'notes' ska vara ämne: text")
        notes = {}
    return Agreement(scope, title, str(value.get("url") or "").strip(), dates["signed"],
                     dates["review"], str(value.get("deviations") or "").strip(),
                     tuple((str(k), v.strip()) for k, v in notes.items()))


def agreement_doc(a: Agreement) -> str | dict[str, Any]:
    """The canonical form: the title alone when nothing else is known."""
    if not (a.url or a.signed or a.review or a.deviations or a.notes):
        return a.title
    out: dict[str, Any] = {"title": a.title}
    if a.url:
        out["url"] = a.url
    if a.signed:
        out["signed"] = a.signed.isoformat()
    if a.review:
        out["review"] = a.review.isoformat()
    if a.deviations:
        out["deviations"] = a.deviations
    if a.notes:
        out["notes"] = dict(a.notes)
    return out


def genitive(name: str) -> str:
    """'Mora' -> 'Moras', 'Rättvik' -> 'Rättviks'; a name ending in s, x or z is unchanged."""
    return name if name[-1:].lower() in "sxz" else name + "s"


def describe(a: Agreement) -> str:
    """'Enligt Moras lokala överenskommelse, 2025-03, granskas 2026-03'."""
    whose = (f"{genitive(a.scope)} lokala överenskommelse" if a.scope
             else "den regionala överenskommelsen")
    parts = [f"Enligt {whose}"]
    if a.signed:
        parts.append(f"{a.signed:%Y-%m}")
    if a.review:
        parts.append(f"granskas {a.review:%Y-%m}")
    return ", ".join(parts)


def agreement_json(a: Agreement, today: dt.date) -> dict[str, Any]:
    return {"scope": a.scope, "title": a.title, "url": a.url or None,
            "signed": a.signed.isoformat() if a.signed else None,
            "review": a.review.isoformat() if a.review else None,
            "overdue": a.overdue(today), "text": describe(a)}


# ---- rows --------------------------------------------------------------------------------


def agreement_values(a: Agreement
                     ) -> tuple[str, str, str, str | None, str | None, str, str]:
    return (a.scope or "", a.title, a.url, a.signed.isoformat() if a.signed else None,
            a.review.isoformat() if a.review else None, a.deviations,
            json.dumps(dict(a.notes), ensure_ascii=False))


def agreement_row(row: Any) -> Agreement:
    return Agreement(row["scope"] or None, row["title"], row["url"],
                     parse_date(row["signed"]) if row["signed"] else None,
                     parse_date(row["review"]) if row["review"] else None,
                     row["deviations"], tuple(json.loads(row["notes"] or "{}").items()))
