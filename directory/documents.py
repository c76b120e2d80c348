"""Documents (the YAML/JSON form of an entity) to model objects and back, with validation.

The same documents are the import/export format, the version history and the source of
the web forms, so one validator serves them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from directory.hours import (
    Exception_,
    HoursError,
    Schedule,
    WeeklyHours,
    format_intervals,
    parse_date,
    parse_eve_hours,
)
from directory.model import (
    Contact,
    Notice,
    Organisation,
    Role,
    Step,
    Verification,
    unknown_conditions,
)
from directory.vocabulary import (
    LEGACY_GROUPS,
    PERSON_TAGS,
    Channel,
    Concern,
    Gender,
    Group,
    HolidayMode,
    OrgType,
    Status,
    Visibility,
    When,
    values,
)
from directory.yamlio import LineDict, LineList, Problem

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class FieldError:
    """A problem with one field of a document: where it is (the keys and indexes from the
    document's root, e.g. ("contacts", 1, "value")) and why. When `subject` is given the
    reason is about that field and reads after its name ("saknas")."""

    key: tuple[str | int, ...]
    reason: str
    subject: str | None = None

    @property
    def text(self) -> str:
        """As in a file's error list: "'name' saknas"."""
        return f"'{self.subject}' {self.reason}" if self.subject else self.reason

    def named(self, names: dict[str, str]) -> str:
        """With the field named in words where `names` knows it: "namnet saknas"."""
        if self.subject and self.subject in names:
            return f"{names[self.subject]} {self.reason}"
        return self.text


class Problems:
    """Collects every problem of one input instead of stopping at the first: as
    `items` (file, line, reason: for files) and as `errors` (FieldErrors: for forms, whose
    fields are found by key when the document's `root` is given)."""

    def __init__(self, file: str, root: Any = None) -> None:
        self.file = file
        self.items: list[Problem] = []
        self.errors: list[FieldError] = []
        self._paths: dict[int, tuple[str | int, ...]] = {}
        if root is not None:
            self._index(root, ())

    def _index(self, node: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            self._paths[id(node)] = path
            for key, value in node.items():
                self._index(value, (*path, key))
        elif isinstance(node, list):
            self._paths[id(node)] = path
            for i, value in enumerate(node):
                self._index(value, (*path, i))

    def add(self, node: Any, key: str | int | None, reason: str,
            subject: str | None = None) -> None:
        line = 0
        if isinstance(node, LineDict) and isinstance(key, str):  # noqa: SIM114 - for mypy
            line = node.line_of(key)
        elif isinstance(node, LineList) and isinstance(key, int):
            line = node.line_of(key)
        elif isinstance(node, LineDict | LineList):
            line = node.line
        path = self._paths.get(id(node), ()) if isinstance(node, dict | list) else ()
        error = FieldError(path if key is None else (*path, key), reason, subject)
        self.errors.append(error)
        self.items.append(Problem(self.file, line, error.text))

    def __bool__(self) -> bool:
        return bool(self.items)


def _text(doc: dict[str, Any], key: str, p: Problems, required: bool = True) -> str:
    value = doc.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            p.add(doc, key, "saknas", subject=key)
        return ""
    if not isinstance(value, str | int | float):
        p.add(doc, key, "ska vara text", subject=key)
        return ""
    return str(value).strip()


def _slug(doc: dict[str, Any], key: str, p: Problems) -> str:
    value = _text(doc, key, p)
    if value and not SLUG.match(value):
        p.add(doc, key, f"'{value}' är ingen giltig id (små bokstäver a-z, siffror, bindestreck)")
    return value


def _list(doc: dict[str, Any], key: str, p: Problems, allowed: tuple[str, ...] | None = None,
          legacy: Mapping[str, str] | None = None) -> tuple[str, ...]:
    value = doc.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        p.add(doc, key, "ska vara en lista", subject=key)
        return ()
    out = []
    for item in value:
        item = str(item).strip()
        item = str((legacy or {}).get(item, item))
        if allowed is not None and item not in allowed:
            p.add(doc, key, f"'{item}' är inte tillåtet i '{key}' ({', '.join(allowed)})")
        out.append(item)
    return tuple(out)


def _choice(doc: dict[str, Any], key: str, allowed: tuple[str, ...], default: str,
            p: Problems) -> str:
    value = doc.get(key, default)
    if value not in allowed:
        p.add(doc, key, f"ska vara en av: {', '.join(allowed)} (inte '{value}')", subject=key)
        return str(default)
    return str(value)


def _verification(doc: dict[str, Any], p: Problems) -> Verification | None:
    v = doc.get("verified")
    if v is None:
        return None
    if not isinstance(v, dict) or "at" not in v:
        p.add(doc, "verified", "ska ha at: ÅÅÅÅ-MM-DD och by: vem", subject="verified")
        return None
    try:
        at = parse_date(v["at"])
    except HoursError as e:
        p.add(v, "at", str(e))
        return None
    return Verification(at, str(v.get("by") or "").strip())


def _schedule(doc: dict[str, Any], p: Problems, hours_key: str = "hours") -> Schedule:
    try:
        weekly = WeeklyHours.parse(doc.get(hours_key))
    except HoursError as e:
        p.add(doc, hours_key, f"öppettider: {e}")
        weekly = WeeklyHours()
    on_holidays = _choice(doc, "on_holidays", values(HolidayMode), HolidayMode.CLOSED, p)
    exceptions = []
    raw = doc.get("exceptions") or []
    if not isinstance(raw, list):
        p.add(doc, "exceptions", "ska vara en lista", subject="exceptions")
        raw = []
    for i, item in enumerate(raw):
        try:
            exceptions.append(Exception_.parse(item))
        except HoursError as e:
            p.add(raw, i, f"undantag: {e}")
    try:
        eve = parse_eve_hours(doc.get("before_holidays"))
    except HoursError as e:
        p.add(doc, "before_holidays", f"dag före helgdag: {e}")
        eve = None
    return Schedule(weekly, on_holidays, tuple(exceptions), eve)


def parse_organisation(doc: Any, p: Problems) -> Organisation | None:
    if not isinstance(doc, dict):
        p.add(doc, None, "filen ska beskriva en organisation (id, name, type, roles)")
        return None
    org = Organisation(
        id=_slug(doc, "id", p),
        name=_text(doc, "name", p),
        type=_choice(doc, "type", values(OrgType), OrgType.MUNICIPALITY, p),
        municipalities=_list(doc, "municipalities", p),
        demo=bool(doc.get("demo", False)),
    )
    if not org.municipalities:
        p.add(doc, "municipalities", "saknas (kommunerna den tjänar, eller [alla])",
              subject="municipalities")
    return org


def parse_contact(doc: Any, p: Problems) -> Contact | None:
    if not isinstance(doc, dict):
        p.add(doc, None, "en kontaktväg ska ha channel och value")
        return None
    channel = _choice(doc, "channel", values(Channel), Channel.PHONE, p)
    value = _text(doc, "value", p)
    if channel == Channel.PHONE and value:
        from directory.phones import PhoneError, normalise_phone

        try:
            value = normalise_phone(value)
        except PhoneError as e:
            p.add(doc, "value", str(e))
    if channel in (Channel.EMAIL, Channel.SECURE_EMAIL) and value and "@" not in value:
        p.add(doc, "value", f"'{value}' är ingen e-postadress")
    schedule = _schedule(doc, p) if doc.get("hours") is not None else None
    return Contact(
        channel=channel,
        value=value,
        label=_text(doc, "label", p, required=False),
        visibility=_choice(doc, "visibility", values(Visibility), Visibility.STAFF, p),
        schedule=schedule,
        verified=_verification(doc, p),
    )


def parse_role(doc: Any, org: Organisation, p: Problems) -> Role | None:
    if not isinstance(doc, dict):
        p.add(doc, None, "en roll ska vara en mappning med id, kind, name ...")
        return None
    notice = None
    raw_notice = doc.get("notice")
    if raw_notice is not None:
        if not isinstance(raw_notice, dict):
            p.add(doc, "notice", "ska ha text, from och to", subject="notice")
        else:
            try:
                notice = Notice(_text(raw_notice, "text", p), parse_date(raw_notice.get("from")),
                                parse_date(raw_notice.get("to")))
                if notice.end < notice.start:
                    p.add(raw_notice, "to", "meddelandet slutar innan det börjar")
            except HoursError as e:
                p.add(raw_notice, "from", f"meddelande: {e}")
    contacts = []
    raw_contacts = doc.get("contacts") or []
    if not isinstance(raw_contacts, list):
        p.add(doc, "contacts", "ska vara en lista", subject="contacts")
        raw_contacts = []
    for c in raw_contacts:
        contact = parse_contact(c, p)
        if contact:
            contacts.append(contact)
    protected = doc.get("protected") or {}
    if not isinstance(protected, dict):
        p.add(doc, "protected", "ska vara fält: värde", subject="protected")
        protected = {}
    interval = doc.get("review_interval_days", 365)
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 1096:
        p.add(doc, "review_interval_days", "granskningsintervallet ska vara 1–1096 dagar")
        interval = 365
    serves = _list(doc, "serves", p) or None
    sources = _source_ids(doc, p)
    return Role(
        id=_slug(doc, "id", p),
        org_id=org.id,
        kind=_slug(doc, "kind", p),
        name=_text(doc, "name", p),
        schedule=_schedule(doc, p),
        serves=serves,
        groups=_list(doc, "groups", p, values(Group), LEGACY_GROUPS),
        concerns=_list(doc, "concerns", p, values(Concern)),
        genders=_list(doc, "genders", p, values(Gender)),
        aliases=_list(doc, "aliases", p),
        instructions=_text(doc, "instructions", p, required=False),
        status=_choice(doc, "status", values(Status), Status.ACTIVE, p),
        notice=notice,
        review_interval_days=interval,
        verified=_verification(doc, p),
        contacts=tuple(contacts),
        protected=tuple((str(k), str(v)) for k, v in protected.items()),
        sources=sources,
    )


def _source_ids(doc: dict[str, Any], p: Problems) -> tuple[str, ...]:
    """A `sources:` list of legal source ids (checked against the registry by the importer)."""
    ids = _list(doc, "sources", p)
    for source_id in ids:
        if not SLUG.match(source_id):
            p.add(doc, "sources", f"'{source_id}' är ingen giltig käll-id")
    return ids


def parse_steps(raw: Any, p: Problems, holder: Any = None, key: str | None = None,
                concepts: frozenset[str] | None = None) -> tuple[Step, ...]:
    """A path's steps. `for:` names person tags or, when `concepts` is given, lexicon
    concepts; unknown names are errors (a typo must not silently drop a step)."""
    if not isinstance(raw, list) or not raw:
        p.add(holder, key, "en kontaktväg ska vara en lista med minst ett steg")
        return ()
    steps = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            p.add(raw, i, "ett steg ska ha kind eller role, when och why")
            continue
        kind, role = item.get("kind"), item.get("role")
        if bool(kind) == bool(role):
            p.add(item, None, "ett steg ska ha antingen kind eller role (inte båda)")
        only_for = _list(item, "for", p)
        if concepts is not None:
            for tag in unknown_conditions(only_for, concepts):
                p.add(item, "for", f"'{tag}' i 'for' är varken en persongrupp "
                      f"({', '.join(PERSON_TAGS)}) eller ett begrepp i lexikonet")
        steps.append(Step(
            when=_choice(item, "when", values(When), When.ALWAYS, p),
            why=_text(item, "why", p),
            kind=str(kind) if kind else None,
            role=str(role) if role else None,
            only_for=only_for,
            sources=_source_ids(item, p),
        ))
    return tuple(steps)


# ---- model -> documents -------------------------------------------------------------


def _verification_doc(v: Verification | None) -> dict[str, str] | None:
    return None if v is None else {"at": v.at.isoformat(), "by": v.by}


def _schedule_doc(s: Schedule, out: dict[str, Any], with_holidays: bool = True) -> None:
    out["hours"] = s.weekly.to_spec()
    if with_holidays:
        out["on_holidays"] = s.on_holidays
    if s.before_holidays is not None:
        out["before_holidays"] = format_intervals(s.before_holidays)
    if s.exceptions:
        out["exceptions"] = [e.to_spec() for e in s.exceptions]


def contact_doc(c: Contact) -> dict[str, Any]:
    out: dict[str, Any] = {"channel": c.channel, "value": c.value}
    if c.label:
        out["label"] = c.label
    out["visibility"] = c.visibility
    if c.schedule is not None:
        _schedule_doc(c.schedule, out, with_holidays=c.schedule.on_holidays != HolidayMode.CLOSED)
    if c.verified:
        out["verified"] = _verification_doc(c.verified)
    return out


def role_doc(r: Role, with_protected: bool = False) -> dict[str, Any]:
    """The canonical document of a role; protected fields only when asked for."""
    out: dict[str, Any] = {"id": r.id, "kind": r.kind, "name": r.name}
    if r.serves:
        out["serves"] = list(r.serves)
    if r.groups:
        out["groups"] = list(r.groups)
    if r.concerns:
        out["concerns"] = list(r.concerns)
    if r.genders:
        out["genders"] = list(r.genders)
    if r.aliases:
        out["aliases"] = list(r.aliases)
    if r.instructions:
        out["instructions"] = r.instructions
    if r.sources:
        out["sources"] = list(r.sources)
    out["status"] = r.status
    if r.notice:
        out["notice"] = {"text": r.notice.text, "from": r.notice.start.isoformat(),
                         "to": r.notice.end.isoformat()}
    _schedule_doc(r.schedule, out)
    out["review_interval_days"] = r.review_interval_days
    if r.verified:
        out["verified"] = _verification_doc(r.verified)
    out["contacts"] = [contact_doc(c) for c in r.contacts]
    if with_protected and r.protected:
        out["protected"] = dict(r.protected)
    return out


def organisation_doc(o: Organisation) -> dict[str, Any]:
    return {"id": o.id, "name": o.name, "type": o.type,
            "municipalities": list(o.municipalities), "demo": o.demo}


def step_doc(s: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": s.kind} if s.kind else {"role": s.role}
    out["when"] = s.when
    if s.only_for:
        out["for"] = list(s.only_for)
    out["why"] = s.why
    if s.sources:
        out["sources"] = list(s.sources)
    return out
