"""A national-size directory for the benchmarks: the demo directory grown to 290
municipalities and N roles, in memory or written to SQLite through the store, and questions
aimed at the generated municipalities.

The 275 generated municipalities get roles of every kind, copied from a demo role of the
same kind (so its opening hours, after-hours duty and paths behave as the demo's do at
10:00, on a Sunday evening and on a holiday); regional roles ("alla") serve them too.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from directory.evaluate import Case, load_cases  # noqa: E402
from directory.model import ALL, Bundle, Contact, Organisation, Place, Role  # noqa: E402
from directory.snapshot import Directory  # noqa: E402

MUNICIPALITIES = 290
# Public questions: the shared file when it is beside the clone, else the vendored copy.
PUBLIC = next(p for p in (ROOT.parent / "shared" / "eval" / "questions.yaml",
                          ROOT / "tests" / "fixtures" / "public_questions.yaml")
              if p.exists())
LEARNT = sorted((ROOT / "tests" / "eval").glob("learnt_*_questions.yaml"))
SEALED = ROOT / "tests" / "eval" / "sealed_questions.yaml"  # timed only, never read here
_PREFIX = ("Kvarn", "Ljung", "Tall", "Gran", "Hassel", "Sälg", "Rönn", "Alm", "Myr", "Lummer",
           "Tjäder", "Orre", "Hjort", "Lo", "Järv", "Utter", "Bäver", "Svan", "Trana", "Lom",
           "Knipe", "Vitsippe", "Blåbärs", "Lingon", "Hjortron", "Kråkbär", "Odon")
_SUFFIX = ("torp", "sund", "fors", "ryd", "hult", "köping", "åker", "berga", "näs", "hamra",
           "löv")


def generated_names(base: Directory, n: int) -> list[str]:
    """`n` invented municipality names that are no place the demo lexicon knows."""
    known = {p.name.casefold() for p in base.lexicon.places} | {
        m.casefold() for m in base.municipalities}
    names = [p + s for p, s in itertools.product(_PREFIX, _SUFFIX)
             if (p + s).casefold() not in known]
    if len(names) < n:
        raise ValueError("för få påhittade kommunnamn")
    return names[:n]


def scaled(base: Directory, n_roles: int) -> Directory:
    """The demo directory grown to `n_roles` roles over 290 municipalities (in memory)."""
    extra = generated_names(base, MUNICIPALITIES - len(base.municipalities))
    municipalities = base.municipalities + tuple(extra)
    orgs, roles, areas = dict(base.organisations), dict(base.roles), {
        k: set(v) for k, v in base.areas.items()}
    for org, org_roles in _generated(base, extra, n_roles - len(base.roles)):
        orgs[org.id] = org
        for role in org_roles:
            roles[role.id] = role
            areas[role.id] = set(org.municipalities)
    for area in areas.values():  # regional roles serve the new municipalities too
        if set(base.municipalities) <= area:
            area.update(extra)
    lexicon = dataclasses.replace(
        base.lexicon, municipalities=municipalities,
        places=base.lexicon.places + tuple(Place(m, m, "form") for m in extra))
    return dataclasses.replace(
        base, municipalities=municipalities, organisations=orgs, roles=roles,
        areas={k: frozenset(v) for k, v in areas.items()}, lexicon=lexicon,
        by_kind_area={}, everywhere={}, kinds_in_use=set(), _places=None)


def _generated(base: Directory, extra: list[str], n: int
               ) -> list[tuple[Organisation, list[Role]]]:
    """`n` roles over the generated municipalities, one organisation each; kinds in turn,
    each role a copy of a demo role of its kind (the municipal ones first)."""
    templates: dict[str, Role] = {}
    for role in sorted(base.roles.values(), key=lambda r: base.organisations[r.org_id].type
                       != "kommun"):
        if role.status != "inaktiv":
            templates.setdefault(role.kind, role)
    kinds = list(templates)
    by_org: dict[str, tuple[Organisation, list[Role]]] = {}
    for i in range(n):
        muni = extra[i % len(extra)]
        kind = kinds[(i // len(extra)) % len(kinds)]
        org_id = f"gen-{i % len(extra):03d}-kommun"
        org, org_roles = by_org.setdefault(org_id, (Organisation(
            org_id, f"{muni} kommun", "kommun", (muni,), True), []))
        template = templates[kind]
        org_roles.append(dataclasses.replace(
            template, id=f"gen-{i}", org_id=org_id, name=f"{template.name} ({muni} {i})",
            serves=None, aliases=(), protected=(),
            contacts=(Contact("phone", f"070-174 {i % 100:02d} {i // 100 % 100:02d}",
                              "Växel"),)))
    return list(by_org.values())


async def write_national(db: Path, n_roles: int, template: Path) -> None:
    """`db`: a copy of the demo database `template`, grown to `n_roles` roles through the
    store (one import transaction)."""
    from directory.service import DirectoryService

    shutil.copy(template, db)
    service = await DirectoryService.open(db)
    try:
        base = await service.directory()
        extra = generated_names(base, MUNICIPALITIES - len(base.municipalities))
        lexicon = dataclasses.replace(
            base.lexicon, municipalities=base.municipalities + tuple(extra),
            places=base.lexicon.places + tuple(Place(m, m, "form") for m in extra))
        regional = [(o, [r for r in base.roles.values() if r.org_id == o.id])
                    for o in base.organisations.values() if ALL in o.municipalities]
        bundle = Bundle(lexicon=lexicon, organisations=regional + _generated(
            base, extra, n_roles - len(base.roles)))
        await service.store.apply_bundle(bundle, "bench", "import")
    finally:
        await service.close()


def demo_template(folder: Path) -> Path:
    """The demo database with its topic model, built once by the CLI in `folder`."""
    db = folder / "demo.db"
    if not db.exists():
        subprocess.run([sys.executable, "-m", "bot.cli", "--db", str(db), "ask", "x"],
                       check=True, cwd=ROOT, capture_output=True)
    return db


def aimed_cases(cases: list[Case], names: list[str], base_municipalities: tuple[str, ...]
                ) -> list[Case]:
    """The questions with their municipality (named in the text, or the asker's default)
    moved to generated municipalities, in turn; questions naming none are kept as they
    are (for them every municipality is looked at)."""
    out, turn = [], itertools.cycle(names)
    for case in cases:
        expected = case.municipality
        if expected is None:
            out.append(case)
            continue
        name = next(turn)
        pattern = re.compile(rf"\b{re.escape(expected)}\b", re.IGNORECASE)
        if pattern.search(case.q):
            out.append(dataclasses.replace(case, q=pattern.sub(name, case.q),
                                           municipality=name))
        elif case.kommun and case.kommun in base_municipalities:
            out.append(dataclasses.replace(case, kommun=name, municipality=name))
    return out


def public_cases() -> list[Case]:
    return [c for f in (PUBLIC, *LEARNT) for c in load_cases(f)]
