"""What a role may be, checked the same way for the web form and the JSON API.

`parse_role` (documents.py) checks that a document is well formed; `role_issues` adds the
rules that keep an organisation's coordinators in their own area: a role may serve only
the municipalities and be only of the kinds that the admins allow for its organisation
(`OrgScope`), every role needs a way to be contacted, municipalities and kinds must exist,
and text is bounded, printable and free of personal identity numbers.

A role that already serves a municipality or has a kind outside its organisation's scope
(set by an import) keeps it through later edits; only a change into something not allowed
is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import dataclass

from directory.model import ALL, Organisation, Role
from directory.understand.redact import redact

# Longest text per field; the form and the API refuse longer.
LIMITS = {"id": 60, "name": 120, "instructions": 2000, "notice": 500, "value": 200,
          "label": 120, "note": 200, "protected": 500, "protected-field": 40}
MAX_CONTACTS = 20
MAX_EXCEPTIONS = 100
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class OrgScope:
    """Set by admins: where an organisation's roles may serve and what kinds they may be."""

    org_id: str
    municipalities: tuple[str, ...]  # (ALL,) for every municipality
    kinds: tuple[str, ...]

    def serves(self, municipality: str) -> bool:
        return ALL in self.municipalities or municipality in self.municipalities

    def to_json(self) -> dict[str, list[str]]:
        return {"municipalities": list(self.municipalities), "kinds": list(self.kinds)}


def default_scope(org: Organisation, roles: list[Role] | tuple[Role, ...]) -> OrgScope:
    """What an organisation evidently does: its area and its roles' areas and kinds."""
    if ALL in org.municipalities:
        area: tuple[str, ...] = (ALL,)
    else:
        area = tuple(dict.fromkeys([*org.municipalities,
                                    *(m for r in roles for m in (r.serves or ()))]))
        if ALL in area:
            area = (ALL,)
    return OrgScope(org.id, area, tuple(dict.fromkeys(r.kind for r in roles)))


def scope_from_row(org_id: str, municipalities: str, kinds: str) -> OrgScope:
    return OrgScope(org_id, tuple(json.loads(municipalities)), tuple(json.loads(kinds)))


@dataclass(frozen=True)
class Issue:
    """One problem: `field` names what it is about (id, name, kind, serves, instructions,
    notice, contacts, contact:N:value, contact:N:label, exceptions, protected)."""

    field: str
    message: str


def _text_issues(field: str, text: str, limit: int, multiline: bool = False) -> list[Issue]:
    out = []
    if len(text) > limit:
        out.append(Issue(field, f"Högst {limit} tecken (nu {len(text)})."))
    if (_CONTROL if multiline else _CONTROL_ONE_LINE).search(text):
        out.append(Issue(field, "Texten innehåller styrtecken (t.ex. NUL); ta bort dem."))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        out.append(Issue(field, "Texten innehåller ogiltiga tecken (ensamma surrogat)."))
    else:
        if redact(text)[1]:
            out.append(Issue(field, "Ta bort personnumret: katalogen får inte innehålla "
                                    "personuppgifter."))
    return out


def role_issues(role: Role, scope: OrgScope | None, municipalities: tuple[str, ...] | list[str],
                kinds: Container[str], before: Role | None = None
                ) -> list[Issue]:
    """Everything wrong with `role` (already parsed) beyond its document's shape; empty
    when it may be saved. `before` is the role as stored (None for a new role)."""
    out: list[Issue] = []
    out += _text_issues("id", role.id, LIMITS["id"])
    out += _text_issues("name", role.name, LIMITS["name"])
    out += _text_issues("instructions", role.instructions, LIMITS["instructions"], True)
    if role.notice:
        out += _text_issues("notice", role.notice.text, LIMITS["notice"], True)
    if role.kind not in kinds:
        out.append(Issue("kind", f"Okänd funktion '{role.kind[:60]}'."))
    elif scope is not None and role.kind not in scope.kinds and (
            before is None or before.kind != role.kind):
        out.append(Issue("kind", "Din organisation får inte ha roller med den funktionen. "
                                 "Be en administratör lägga till den för organisationen."))
    known = set(municipalities)
    earlier = set(before.serves or ()) if before else set()
    for m in role.serves or ():
        if m != ALL and m not in known:
            out.append(Issue("serves", f"Okänd kommun '{m[:60]}'."))
        elif scope is not None and not scope.serves(m) and m not in earlier:
            where = "alla kommuner" if m == ALL else m
            out.append(Issue("serves", f"Din organisation får inte ge vägar i {where}. "
                                       "Be en administratör utöka organisationens område."))
    if not role.contacts:
        out.append(Issue("contacts", "En roll behöver minst en kontaktväg."))
    elif len(role.contacts) > MAX_CONTACTS:
        out.append(Issue("contacts", f"Högst {MAX_CONTACTS} kontaktvägar."))
    for i, c in enumerate(role.contacts):
        out += _text_issues(f"contact:{i}:label", c.label, LIMITS["label"])
        if len(c.value) > LIMITS["value"] or _CONTROL_ONE_LINE.search(c.value):
            out.append(Issue(f"contact:{i}:value",
                             f"Högst {LIMITS['value']} tecken, utan styrtecken."))
    if len(role.schedule.exceptions) > MAX_EXCEPTIONS:
        out.append(Issue("exceptions", f"Högst {MAX_EXCEPTIONS} undantag."))
    for ex in role.schedule.exceptions:
        out += _text_issues("exceptions", ex.note, LIMITS["note"])
    for key, value in role.protected:
        out += _text_issues("protected", key, LIMITS["protected-field"])
        out += [i for i in _text_issues("protected", value, LIMITS["protected"], True)
                if "personnumret" not in i.message]
    return out


def summary(issues: list[Issue]) -> str:
    """The issues as one Swedish sentence list, for the API."""
    return " ".join(f"{i.field}: {i.message}" for i in issues)
