"""Rows to dataclasses and dataclasses to row values: the only place that knows columns."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from directory.hours import (
    Exception_,
    Schedule,
    WeeklyHours,
    format_intervals,
    parse_date,
    parse_eve_hours,
)
from directory.model import (
    Contact,
    ContactPath,
    DangerRule,
    Kind,
    Notice,
    Organisation,
    Role,
    Step,
    Swap,
    Verification,
)


def _date(value: str | None) -> dt.date | None:
    return parse_date(value) if value else None


def _verification(at: str | None, by: str | None) -> Verification | None:
    return Verification(parse_date(at), by or "") if at else None


def schedule_to_json(s: Schedule) -> tuple[str, str, str]:
    exceptions = [e.to_spec() for e in s.exceptions]
    return (json.dumps(s.weekly.to_spec(), ensure_ascii=False), s.on_holidays,
            json.dumps(exceptions, ensure_ascii=False))


def schedule_from_json(hours: str, on_holidays: str, exceptions: str,
                       before_holidays: str | None = None) -> Schedule:
    return Schedule(
        WeeklyHours.parse(json.loads(hours)),
        on_holidays,
        tuple(Exception_.parse(e) for e in json.loads(exceptions)),
        parse_eve_hours(before_holidays),
    )


def eve_text(s: Schedule) -> str | None:
    """The stored form of `before_holidays`: None, 'stängt' or '08:00-13:00'."""
    return None if s.before_holidays is None else format_intervals(s.before_holidays)


def swaps_doc(k: Kind) -> dict[str, list[dict[str, str]]]:
    """A kind's `instead`/`also` in file form (the same in the database and in exports)."""
    return {key: [{"for": s.for_, "kind": s.kind, "why": s.why} for s in swaps]
            for key, swaps in (("instead", k.instead), ("also", k.also)) if swaps}


def danger_rule(doc: dict[str, Any]) -> DangerRule:
    return DangerRule(tuple(doc["all"]), int(doc.get("reach", 5)), tuple(doc.get("unless", ())),
                      str(doc.get("note", "")))


def kind(row: Any) -> Kind:
    swaps = json.loads(row["swaps"])
    instead, also = (tuple(Swap(s["for"], s["kind"], s["why"]) for s in swaps.get(key, ()))
                     for key in ("instead", "also"))
    return Kind(row["slug"], row["label"], row["topic"], instead, also,
                secure_reports=bool(row["secure_reports"]))


def organisation(row: Any) -> Organisation:
    return Organisation(row["id"], row["name"], row["type"],
                        tuple(json.loads(row["municipalities"])), bool(row["demo"]))


def contact(row: Any) -> Contact:
    schedule = None
    if row["hours"]:
        data = json.loads(row["hours"])
        schedule = schedule_from_json(json.dumps(data["hours"]), data.get("on_holidays", "closed"),
                                      json.dumps(data.get("exceptions", [])),
                                      data.get("before_holidays"))
    return Contact(row["channel"], row["value"], row["label"], row["visibility"], schedule,
                   _verification(row["verified_at"], row["verified_by"]))


def contact_hours_json(c: Contact) -> str | None:
    if c.schedule is None:
        return None
    s = c.schedule
    data: dict[str, Any] = {"hours": s.weekly.to_spec(), "on_holidays": s.on_holidays,
            "exceptions": [e.to_spec() for e in s.exceptions]}
    if s.before_holidays is not None:
        data["before_holidays"] = eve_text(s)
    return json.dumps(data, ensure_ascii=False)


def role(row: Any, contacts: tuple[Contact, ...],
         protected: tuple[tuple[str, str], ...] = ()) -> Role:
    notice = None
    if row["notice_text"]:
        notice = Notice(row["notice_text"], parse_date(row["notice_from"]),
                        parse_date(row["notice_to"]))
    serves = json.loads(row["serves"]) if row["serves"] else None
    return Role(
        id=row["id"], org_id=row["org_id"], kind=row["kind"], name=row["name"],
        schedule=schedule_from_json(row["hours"], row["on_holidays"], row["exceptions"],
                                    row["before_holidays"]),
        serves=tuple(serves) if serves else None,
        groups=tuple(json.loads(row["groups"])), concerns=tuple(json.loads(row["concerns"])),
        genders=tuple(json.loads(row["genders"])), aliases=tuple(json.loads(row["aliases"])),
        instructions=row["instructions"], status=row["status"], notice=notice,
        review_interval_days=row["review_interval_days"],
        verified=_verification(row["verified_at"], row["verified_by"]),
        contacts=contacts, protected=protected,
        sources=tuple(json.loads(row["sources"] or "[]")),
    )


def role_values(r: Role, position: int) -> dict[str, Any]:
    hours, on_holidays, exceptions = schedule_to_json(r.schedule)
    return {
        "id": r.id, "org_id": r.org_id, "kind": r.kind, "name": r.name,
        "serves": json.dumps(list(r.serves), ensure_ascii=False) if r.serves else None,
        "groups": json.dumps(list(r.groups)), "concerns": json.dumps(list(r.concerns)),
        "genders": json.dumps(list(r.genders)),
        "aliases": json.dumps(list(r.aliases), ensure_ascii=False),
        "instructions": r.instructions, "status": r.status,
        "notice_text": r.notice.text if r.notice else None,
        "notice_from": r.notice.start.isoformat() if r.notice else None,
        "notice_to": r.notice.end.isoformat() if r.notice else None,
        "hours": hours, "on_holidays": on_holidays, "exceptions": exceptions,
        "before_holidays": eve_text(r.schedule),
        "review_interval_days": r.review_interval_days,
        "verified_at": r.verified.at.isoformat() if r.verified else None,
        "verified_by": r.verified.by if r.verified else None,
        "sources": json.dumps(list(r.sources)),
        "position": position,
    }


def path(row: Any) -> ContactPath:
    steps = tuple(Step(s["when"], s["why"], s.get("kind"), s.get("role"),
                       sources=tuple(s.get("sources") or ()),
                       only_for=tuple(s.get("for", ())))
                  for s in json.loads(row["steps"]))
    return ContactPath(row["topic"], row["municipality"], steps)


def steps_json(steps: tuple[Step, ...]) -> str:
    from directory.documents import step_doc

    return json.dumps([step_doc(s) for s in steps], ensure_ascii=False)
