"""A municipality's local contact paths: edit the steps, check that each step resolves."""

from __future__ import annotations

import re

from aiohttp import web

from bot.web.core import add_route, q, render, see_other, service_of, today, user_of
from bot.web.forms import small_int
from bot.web.history import entries
from directory.labels import WHEN_CHOICE_SV
from directory.model import ContactPath, Step, unknown_conditions
from directory.service import Directory, DirectoryService
from directory.vocabulary import PERSON_TAGS, Status, When, values

STEP_FIELDS = ("rank", "target", "when", "for", "why", "sources", "remove")
MAX_ROWS = 30
# As for a role's texts (directory/rules.py): line breaks, but no other control characters.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _municipality(request: web.Request, d: Directory) -> str:
    name = request.match_info["kommun"]
    if name not in d.municipalities:
        raise web.HTTPNotFound(text="Den kommunen finns inte i katalogen.")
    if not user_of(request).may_edit_municipality(name, d.organisations):
        raise web.HTTPForbidden(text="Du får bara ändra din kommuns kontaktvägar.")
    return name


async def index(request: web.Request) -> web.Response:
    d = await service_of(request).directory()
    user = user_of(request)
    mine = [m for m in d.municipalities if user.may_edit_municipality(m, d.organisations)]
    rows = [{"name": m, "topics": [(t, (t.slug, m) in d.local_paths) for t in d.topics.values()]}
            for m in mine]
    return await render(request, "paths_index.html", {"rows": rows})


def _rows_from(path: ContactPath | None) -> list[dict[str, str]]:
    rows = []
    for i, s in enumerate(path.steps if path else (), 1):
        rows.append({"rank": str(i), "target": f"kind:{s.kind}" if s.kind else f"role:{s.role}",
                     "when": s.when, "for": ", ".join(s.only_for), "why": s.why,
                     "sources": ", ".join(s.sources)})
    return rows


def _targets(d: Directory, municipality: str) -> list[tuple[str, list[tuple[str, str]]]]:
    kinds = [(f"kind:{k.slug}", k.label) for k in d.kinds.values()]
    roles = [(f"role:{r.id}", f"{r.name}") for r in d.roles.values()
             if municipality in d.areas.get(r.id, ()) and r.status != Status.INACTIVE]
    return [("Funktion (alla roller av slaget som tjänar kommunen)", kinds),
            ("En bestämd roll", roles)]


async def _page(request: web.Request, d: Directory, municipality: str, topic: str,
                rows: list[dict[str, str]], errors: dict[str, str], status: int = 200,
                saved: str | None = None, gaps: list[str] | None = None) -> web.Response:
    versions = await service_of(request).path_versions(topic, municipality)
    return await render(request, "path_form.html", {
        "municipality": municipality, "topic": d.topics[topic], "rows": rows,
        "errors": errors, "targets": _targets(d, municipality), "whens": WHEN_CHOICE_SV,
        "regional": d.regional_paths.get(topic), "kinds": d.kinds, "roles": d.roles,
        "local": (topic, municipality) in d.local_paths, "saved": saved, "gaps": gaps or [],
        "history": entries(versions, {"path"})}, status=status)


def _topic(request: web.Request, d: Directory) -> str:
    topic = request.match_info["topic"]
    if topic not in d.topics:
        raise web.HTTPNotFound(text="Det ämnet finns inte.")
    return topic


async def form_page(request: web.Request) -> web.Response:
    d = await service_of(request).directory()
    municipality, topic = _municipality(request, d), _topic(request, d)
    path = d.local_paths.get((topic, municipality)) or d.regional_paths.get(topic)
    rows = _rows_from(path) + [{"rank": "", "when": When.ALWAYS.value}]
    saved = {"1": "Kontaktvägen är sparad som en ny version.",
             "0": "Inget var ändrat – ingen ny version.",
             }.get(request.query.get("sparat", ""))
    if request.query.get("aterstalld") == "1":
        saved = "Den äldre versionen är återställd (som en ny version)."
    return await _page(request, d, municipality, topic, rows, {}, saved=saved)


def validate(d: Directory, municipality: str, rows: list[dict[str, str]],
             errors: dict[str, str]) -> tuple[Step, ...]:
    """The steps the rows describe; every step must find an active role in the municipality."""
    raw = []

    def rank(i: int) -> tuple[int, int]:
        number = small_int(rows[i]["rank"])
        return (999 if number is None else number, i)

    order = sorted(range(len(rows)), key=rank)
    for i in order:
        row = rows[i]
        if row.get("remove") or not (row["target"] or row["why"].strip()):
            continue
        kind_or_role, _, value = row["target"].partition(":")
        if kind_or_role == "kind" and value in d.kinds:
            if not d.by_kind_area.get((value, municipality)):
                errors[f"s-{i}-target"] = (f"Ingen aktiv roll av funktionen "
                                           f"'{d.kinds[value].label}' tjänar {municipality}.")
        elif kind_or_role == "role" and value in d.roles:
            role = d.roles[value]
            if role.status == Status.INACTIVE or municipality not in d.areas.get(value, ()):
                errors[f"s-{i}-target"] = f"{role.name} är inaktiv eller tjänar inte " \
                                          f"{municipality}."
        else:
            errors[f"s-{i}-target"] = "Välj vem steget går till."
        if row["when"] not in values(When):
            errors[f"s-{i}-when"] = "Välj när steget gäller."
        why = row["why"].strip()
        if not why:
            errors[f"s-{i}-why"] = "Skriv varför personalen ska kontakta just den här."
        elif len(why) > 500:
            errors[f"s-{i}-why"] = "Högst 500 tecken."
        elif DirectoryService.clean(why)[1]:
            errors[f"s-{i}-why"] = ("Ta bort personnumret: katalogen får inte innehålla "
                                    "personuppgifter.")
        elif _CONTROL.search(why):
            errors[f"s-{i}-why"] = "Texten innehåller styrtecken (t.ex. NUL); ta bort dem."
        only_for = [t.strip() for t in row.get("for", "").split(",") if t.strip()]
        unknown = unknown_conditions(only_for, d.lexicon.concepts)
        if unknown:
            errors[f"s-{i}-for"] = (f"Okänt: {', '.join(unknown)}. Skriv persongrupper "
                                    f"({', '.join(PERSON_TAGS)}) eller begrepp ur lexikonet.")
        sources = [x.strip() for x in row.get("sources", "").replace(";", ",").split(",")
                   if x.strip()]
        unknown = [x for x in sources if x not in d.sources]
        if unknown:
            errors[f"s-{i}-sources"] = f"Okänt lagrum: {', '.join(unknown)}."
        step: dict = {kind_or_role: value, "when": row["when"], "why": why, "sources": sources}
        if only_for:
            step["for"] = only_for
        raw.append(step)
    if not raw:
        errors["s-0-target"] = "En kontaktväg behöver minst ett steg."
    steps, problems = DirectoryService.read_path_steps(raw)
    if problems and not errors:
        errors["s-0-target"] = " ".join(problems)
    return steps


async def save(request: web.Request) -> web.Response:
    service = service_of(request)
    d = await service.directory()
    municipality, topic = _municipality(request, d), _topic(request, d)
    data = await request.post()
    try:
        count = min(int(str(data.get("n-s", "0"))), MAX_ROWS)
    except ValueError:
        count = 0
    # A browser sends a textarea's line breaks as CRLF.
    rows = [{k: str(data.get(f"s-{i}-{k}", "")).replace("\r\n", "\n") for k in STEP_FIELDS}
            for i in range(count)]
    if data.get("action") == "rows":
        rows += [{"rank": "", "when": When.ALWAYS.value} for _ in range(2)]
        return await _page(request, d, municipality, topic, rows, {})
    errors: dict[str, str] = {}
    steps = validate(d, municipality, rows, errors)
    if errors:
        return await _page(request, d, municipality, topic, rows, errors, status=400)
    path = ContactPath(topic, municipality, steps)
    if data.get("action") != "save-gap":
        gaps = await service.gaps_opened_by_path(path, today())
        if gaps:
            return await _page(request, d, municipality, topic, rows, {}, status=409,
                               gaps=gaps)
    changed = await service.save_path(path, user_of(request).name)
    raise see_other(f"/admin/vagar/{q(municipality)}/{q(topic)}?sparat={int(changed)}")


def setup(app: web.Application) -> None:
    add_route(app, "GET", "/admin/vagar", index, "coordinator")
    add_route(app, "GET", "/admin/vagar/{kommun}/{topic}", form_page, "coordinator")
    add_route(app, "POST", "/admin/vagar/{kommun}/{topic}", save, "coordinator")
