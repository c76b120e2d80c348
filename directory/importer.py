"""`kontaktvag import`: read directory files, find every error, then apply all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from directory.agreements import parse_agreement
from directory.documents import (
    SLUG,
    Problems,
    parse_organisation,
    parse_role,
    parse_steps,
)
from directory.import_checks import check_sources, warnings
from directory.import_context import ImportContext
from directory.legal import parse_checklist, parse_sources
from directory.lexicon_doc import parse_lexicon
from directory.model import (
    ALL,
    Bundle,
    ContactPath,
    Example,
    Kind,
    Swap,
    Topic,
    unknown_conditions,
)
from directory.store import Store
from directory.understand.redact import redact
from directory.vocabulary import PERPETRATOR_TAG, PERSON_TAGS, Gender, Group, values
from directory.yamlio import LineDict, Problem, YamlError, load

ABOUTS = (*values(Group), PERPETRATOR_TAG)  # taxonomy: whom a topic is about by definition


class ImportFailed(Exception):
    """Nothing was changed; `problems` lists every error with file and line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} fel")
        self.problems = problems


def yaml_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise ImportFailed([Problem(str(root), 0, "finns inte")])
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def read_bundle(root: Path) -> tuple[Bundle, list[Problem], ImportContext]:
    """Parse files into a Bundle; structural problems are collected, not raised."""
    bundle = Bundle()
    problems: list[Problem] = []
    ctx = ImportContext()
    for path in yaml_files(root):
        name = str(path.relative_to(root)) if root.is_dir() else path.name
        p = Problems(name)
        try:
            doc = load(path, name)
        except YamlError as e:
            problems.append(e.problem)
            continue
        if not isinstance(doc, dict):
            p.add(doc, None, "filen ska innehålla en YAML-mappning")
        elif "roles" in doc:
            org = parse_organisation(doc, p)
            roles = []
            raw_roles = doc.get("roles") or []
            if not isinstance(raw_roles, list):
                p.add(doc, "roles", "'roles' ska vara en lista")
                raw_roles = []
            for raw in raw_roles:
                role = parse_role(raw, org, p) if org else None
                if role:
                    roles.append(role)
                    ctx.role_lines[role.id] = (name, getattr(raw, "line", 0), raw)
            if org:
                bundle.organisations.append((org, roles))
                ctx.org_sources.append((name, doc.line_of("municipalities")
                                        if isinstance(doc, LineDict) else 0))
        elif "paths" in doc:
            _read_paths(doc, bundle, p, ctx)
        elif "topics" in doc and "kinds" in doc:
            bundle.topics, bundle.kinds = _read_taxonomy(doc, p)
            ctx.taxonomy = (name, doc)
        elif "sources" in doc:
            bundle.sources = parse_sources(doc, p)
        elif "localities" in doc or ("municipalities" in doc and "roles" not in doc):
            ctx.places = (doc, name)
        elif "concepts" in doc:
            ctx.topics_lexicon = (doc, name)
        elif "examples" in doc:
            _read_examples(doc, path.stem, bundle, p, ctx)
        else:
            p.add(doc, None, "okänd fil: väntade organisation (roles), paths, taxonomi, "
                  "lagrum (sources), orter (municipalities), lexikon (concepts) eller exempel "
                  "(examples)")
        problems.extend(p.items)
    return bundle, problems, ctx


def _read_taxonomy(doc: dict[str, Any], p: Problems) -> tuple[list[Topic], list[Kind]]:
    topics: list[Topic] = []
    kinds: list[Kind] = []
    for key in ("topics", "kinds"):
        if not isinstance(doc.get(key) or [], list):
            p.add(doc, key, f"'{key}' ska vara en lista")
            return topics, kinds
    for i, t in enumerate(doc.get("topics") or []):
        if not isinstance(t, dict) or not SLUG.match(str(t.get("slug", ""))):
            p.add(doc["topics"], i, "ett ämne behöver slug och label")
            continue
        about = t.get("about")
        if about is not None and about not in ABOUTS:
            p.add(t, "about", f"'about' ska vara en av: {', '.join(ABOUTS)}")
            about = None
        assume = t.get("assume")
        if assume is not None and assume not in values(Group):
            p.add(t, "assume", f"'assume' ska vara en av: {', '.join(values(Group))}")
            assume = None
        ask_municipality = t.get("ask_municipality", False)
        if not isinstance(ask_municipality, bool):
            p.add(t, "ask_municipality", "'ask_municipality' ska vara true eller false")
            ask_municipality = False
        topics.append(Topic(t["slug"], str(t.get("label", "")), bool(t.get("urgent", False)),
                            parse_checklist(t.get("checklist"), t, p), about, assume,
                            ask_municipality))
    for i, k in enumerate(doc.get("kinds") or []):
        if not isinstance(k, dict) or not SLUG.match(str(k.get("slug", ""))):
            p.add(doc["kinds"], i, "en typ behöver slug och label")
            continue
        topic = str(k["topic"]) if k.get("topic") else None
        if topic is not None and topic not in {t.slug for t in topics}:
            p.add(k, "topic", f"okänt ämne '{topic}'")
            topic = None
        swaps = {key: _swaps(k, key, p) for key in ("instead", "also")}
        kinds.append(Kind(k["slug"], str(k.get("label", "")), topic, swaps["instead"],
                          swaps["also"], secure_reports=bool(k.get("secure_reports"))))
    known = {k.slug for k in kinds}
    for k in kinds:
        for swap in k.instead + k.also:
            if swap.kind not in known:
                p.add(doc, "kinds", f"{k.slug}: okänd typ '{swap.kind}'")
    return topics, kinds


def _swaps(k: dict[str, Any], key: str, p: Problems) -> tuple[Swap, ...]:
    """`instead:`/`also:` of a kind: [{for: barn, kind: socialtjanst-barn, why: ...}]."""
    raw = k.get(key) or []
    if not isinstance(raw, list):
        p.add(k, key, f"'{key}' ska vara en lista med for, kind och why")
        return ()
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("kind") or not item.get("why"):
            p.add(raw, i, f"'{key}' behöver for, kind och why")
            continue
        tag = str(item.get("for", ""))
        if tag not in PERSON_TAGS:
            p.add(item, "for", f"'for' ska vara en av: {', '.join(PERSON_TAGS)}")
            continue
        out.append(Swap(tag, str(item["kind"]), str(item["why"]).strip()))
    return tuple(out)


MAX_EXAMPLE = 1000  # characters in one example question


def _read_examples(doc: dict[str, Any], source: str, bundle: Bundle, p: Problems,
                   ctx: ImportContext) -> None:
    """A file of labelled questions: [{q: ..., topic: slug | null}]. Personal identity
    numbers are removed before anything is kept."""
    raw = doc.get("examples")
    if not SLUG.match(source):
        p.add(doc, None, f"filnamnet '{source}' ska vara en giltig id (a-z, 0-9, -)")
        return
    if not isinstance(raw, list):
        p.add(doc, "examples", "'examples' ska vara en lista med {q: fråga, topic: ämne}")
        return
    out, seen = [], set()
    for i, item in enumerate(raw):
        q = item.get("q") if isinstance(item, dict) else None
        if not isinstance(q, str) or not q.strip() or len(q) > MAX_EXAMPLE:
            p.add(raw, i, f"ett exempel behöver q: en fråga på 1–{MAX_EXAMPLE} tecken")
            continue
        topic = item.get("topic")
        if topic is not None and not isinstance(topic, str):
            p.add(item, "topic", "'topic' ska vara ett ämne eller null")
            continue
        danger = item.get("danger", False)
        if not isinstance(danger, bool):
            p.add(item, "danger", "'danger' ska vara true (akut fara, 112 först) eller false")
            continue
        person = item.get("person") or {}
        if not isinstance(person, dict) or set(person) - {"gender", "group"} or (
                person.get("gender") not in (None, *Gender)) or (
                person.get("group") not in (None, *Group)):
            p.add(item, "person", "'person' ska vara {gender: kvinna|man, group: "
                  "barn|vuxen|aldre}, det som frågan gör klart")
            continue
        question = redact(q.strip())[0]
        if question in seen:
            continue
        seen.add(question)
        out.append(Example(question, topic, source, danger, person.get("gender"),
                           person.get("group")))
        lines = ctx.example_lines.setdefault(source, {})
        lines[question] = (p.file, raw.line_of(i) if hasattr(raw, "line_of") else 0)
    bundle.examples[source] = out


def _read_paths(doc: dict[str, Any], bundle: Bundle, p: Problems, ctx: ImportContext) -> None:
    municipality = doc.get("municipality")
    if municipality is not None:
        municipality = str(municipality)
    bundle.agreements[municipality] = parse_agreement(doc.get("agreement"), municipality, doc, p)
    ctx.agreement_lines[municipality] = (p.file, doc.line_of("agreement")
                                         if isinstance(doc, LineDict) else 0)
    paths = doc.get("paths")
    if not isinstance(paths, dict):
        p.add(doc, "paths", "'paths' ska vara ämne: [steg, ...]")
        return
    for topic, raw in paths.items():
        steps = parse_steps(raw, p, paths, topic)
        if steps:
            bundle.paths.append(ContactPath(str(topic), municipality, steps))
            ctx.path_lines[(str(topic), municipality)] = (
                p.file, paths.line_of(str(topic)) if isinstance(paths, LineDict) else 0)


async def validate(root: Path, store: Store) -> Bundle:
    """Read and cross-check everything against the bundle and the database."""
    bundle, problems, ctx = read_bundle(root)
    current_lex = None if await store.is_empty() else await store.lexicon()
    bundle.lexicon = parse_lexicon(ctx.places, ctx.topics_lexicon, current_lex, problems)
    topics = {t.slug for t in (bundle.topics or await store.topics())}
    kinds = {k.slug for k in (bundle.kinds or await store.kinds())}
    municipalities = set(bundle.lexicon.municipalities if bundle.lexicon
                         else await store.municipalities())
    if bundle.lexicon:
        for topic in list(bundle.lexicon.phrases) + list(bundle.lexicon.signals):
            if topic not in topics:
                # Only the places file read: the phrases are the stored lexicon's.
                name = ctx.topics_lexicon[1] if ctx.topics_lexicon else "lexicon/topics.yaml"
                problems.append(Problem(name, 0, f"okänt ämne '{topic}' i lexikonet"))
    if bundle.lexicon is not None and ctx.places is not None:
        used = {m for o in await store.organisations() for m in o.municipalities}
        used |= {m for r in await store.roles() for m in (r.serves or ())}
        used |= {p.municipality for p in await store.paths() if p.municipality}
        missing = sorted(used - municipalities - {ALL})
        if missing:
            problems.append(Problem(ctx.places[1], 0, "kommuner som katalogen använder "
                                    f"saknas i orterna: {', '.join(missing)}"))
    existing_roles = {r.id: r.org_id for r in await store.roles()}
    seen_orgs: set[str] = set()
    bundle_roles: dict[str, str] = {}
    for (org, roles), (org_file, org_line) in zip(bundle.organisations, ctx.org_sources,
                                                   strict=True):
        if org.id in seen_orgs:
            problems.append(Problem(org_file, 1,
                                    f"organisationen '{org.id}' finns i två filer"))
        seen_orgs.add(org.id)
        for m in org.municipalities:
            if m != ALL and m not in municipalities:
                problems.append(Problem(org_file, org_line, f"{org.id}: okänd kommun '{m}'"))
        for role in roles:
            file, line, raw = ctx.role_lines[role.id]
            if role.id in bundle_roles:
                problems.append(Problem(file, line, f"rollen '{role.id}' finns två gånger"))
            bundle_roles[role.id] = org.id
            owner = existing_roles.get(role.id)
            if owner and owner != org.id:
                problems.append(Problem(
                    file, line, f"rollen '{role.id}' tillhör redan organisationen '{owner}'"))
            if role.kind and role.kind not in kinds:
                problems.append(Problem(file, raw.line_of("kind"),
                                        f"okänd typ '{role.kind}' (se taxonomy.yaml)"))
            for m in role.serves or ():
                if m != ALL and m not in municipalities:
                    problems.append(Problem(file, raw.line_of("serves"), f"okänd kommun '{m}'"))
    for scope, agreement in bundle.agreements.items():
        file, line = ctx.agreement_lines.get(scope, ("?", 0))
        for topic, _note in agreement.notes if agreement else ():
            if topic not in topics:
                problems.append(Problem(file, line, f"överenskommelsen: okänt ämne '{topic}'"))
    all_roles = set(existing_roles) | set(bundle_roles)
    lexicon = bundle.lexicon or current_lex
    known_concepts = set(lexicon.concepts) if lexicon else set()
    for path in bundle.paths:
        file, line = ctx.path_at(path.topic, path.municipality)
        if path.topic not in topics:
            problems.append(Problem(file, line, f"okänt ämne '{path.topic}'"))
        if path.municipality is not None and path.municipality not in municipalities:
            problems.append(Problem(file, line, f"okänd kommun '{path.municipality}'"))
        for step in path.steps:
            if step.kind and step.kind not in kinds:
                problems.append(Problem(file, line, f"{path.topic}: okänd typ '{step.kind}'"))
            if step.role and step.role not in all_roles:
                problems.append(Problem(file, line, f"{path.topic}: okänd roll '{step.role}'"))
            for tag in unknown_conditions(step.only_for, known_concepts):
                problems.append(Problem(
                    file, line, f"{path.topic}: '{tag}' i 'for' är varken en persongrupp "
                    f"({', '.join(PERSON_TAGS)}) eller ett begrepp i lexikonet"))
    for source, examples in bundle.examples.items():
        for e in examples:
            if e.topic is not None and e.topic not in topics:
                file, line = ctx.example_lines.get(source, {}).get(e.question, (source, 0))
                problems.append(Problem(file, line, f"okänt ämne '{e.topic}'"))
    known_sources = {s.id for s in (bundle.sources if bundle.sources is not None
                                    else await store.sources())}
    problems += check_sources(bundle, ctx, known_sources)
    if bundle.sources is not None:
        problems += await _still_cited(bundle, store, known_sources, set(bundle_roles))
    if problems:
        raise ImportFailed(sorted(problems, key=lambda x: (x.file, x.line)))
    bundle.warnings = warnings(bundle, ctx,
                               bundle.kinds if bundle.kinds is not None else await store.kinds())
    return bundle


async def _still_cited(bundle: Bundle, store: Store, known: set[str],
                       roles_in_bundle: set[str]) -> list[Problem]:
    """A sources file may not drop a source that stored texts (not replaced by this
    import) still cite."""
    cited: dict[str, str] = {}
    if bundle.topics is None:
        for t in await store.topics():
            cited.update({i: f"ämnet {t.slug}" for line in t.lines for i in line.sources})
    replaced = {(p.topic, p.municipality) for p in bundle.paths}
    for path in await store.paths():
        if (path.topic, path.municipality) not in replaced:
            cited.update({i: f"kontaktvägen {path.topic}" for s in path.steps for i in s.sources})
    for role in await store.roles():
        if role.id not in roles_in_bundle:
            cited.update({i: f"rollen {role.id}" for i in role.sources})
    return [Problem("sources.yaml", 0, f"lagrummet '{i}' används fortfarande av {where}")
            for i, where in sorted(cited.items()) if i not in known]


async def import_path(root: Path, store: Store, actor: str, action: str = "import",
                      warned: list[Problem] | None = None) -> dict[str, int]:
    """Validate everything first; apply in one transaction only when there is no error.
    Warnings (not errors: the import goes on) are appended to `warned` when given."""
    bundle = await validate(Path(root), store)
    if warned is not None:
        warned.extend(bundle.warnings)
    return await store.apply_bundle(bundle, actor, action)
