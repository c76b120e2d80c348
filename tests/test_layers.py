"""The layers hold: `directory/` imports nothing from `bot/`, and the front ends (`bot/`)
reach the core through its one door, the service (directory/service.py, whose __all__
also names the types its reads return and the errors its writes raise), plus the types,
vocabulary and pure helpers listed here. What reaches past the service would be listed by
file in REACHING_PAST, which is empty: a new entry fails. And they call the service's own
methods, never reaching through it into its store, people, reports, tokens or database."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# What any front end may import from the core.
ALLOWED = {
    "directory.service",     # the one door: asks, reads, writes, redaction of free text
    "directory.accounts",    # User and its permission rules
    "directory.model",       # the directory's types
    "directory.vocabulary",  # every closed list of values (StrEnums)
    "directory.labels",      # every Swedish word shown for them, the demo notice, times
    "directory.clarify",     # the question an answer asks back (part of the ask contract)
    "directory.ask",         # Answer (the ask contract) and parse_moment
    "directory.hours",       # STOCKHOLM and the hours types shown on pages
    "directory.freshness",   # how fresh an entry is (shown on pages and cards)
    "directory.phones",      # formatting a phone number for tel: links
    "directory.rebuild",     # the topic-model builder the host runs beside itself
    "directory.backup",      # kontaktvag backup/restore
}
# The command line (bot/cli.py, bot/admin_cli.py) drives import, export and eval directly.
CLI = {"bot/cli.py", "bot/admin_cli.py", "bot/cli_common.py", "bot/snapshot_cache.py"}

# Still reaching past the service: nothing (issue 13). A front end that needs more of the
# core asks the service for it (a read method, or a type in its __all__).
REACHING_PAST: set[tuple[str, str]] = set()


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_core_imports_nothing_from_the_front_ends():
    for path in sorted((ROOT / "directory").rglob("*.py")):
        bad = [m for m in _imports(path) if m == "bot" or m.startswith("bot.")]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_front_ends_use_the_service_and_nothing_new_reaches_past_it():
    seen = set()
    for path in sorted((ROOT / "bot").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for module in _imports(path):
            if not (module == "directory" or module.startswith("directory.")):
                continue
            if module in ALLOWED or rel in CLI:
                continue
            seen.add((rel, module))
    new = sorted(seen - REACHING_PAST)
    assert not new, f"front ends reach past the service (use DirectoryService): {new}"
    fixed = sorted(REACHING_PAST - seen)
    assert not fixed, f"no longer true, take them off REACHING_PAST: {fixed}"


def test_redaction_is_the_cores_own():
    """Free text is redacted by the service (DirectoryService.clean, ask, report_entry,
    resolve_report); the log filter too uses DirectoryService.clean."""
    users = sorted(path.relative_to(ROOT).as_posix()
                   for path in (ROOT / "bot").rglob("*.py")
                   if "directory.understand.redact" in _imports(path))
    assert users == []


# The service's parts that are its own (and the command line's): a front end outside CLI
# asks the service itself (DirectoryService and its PeopleDoor), never these.
SERVICE_INTERNALS = {"store", "people", "reports", "tokens", "db"}


def _internals_reached(path: Path) -> list[str]:
    """Every `x.store`, `x.people`, `x.reports`, `x.tokens`, `x.db` (whatever x is: service, svc,
    self.service, request.app[SERVICE], an alias) and getattr(x, "store") in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        attribute = isinstance(node, ast.Attribute) and node.attr in SERVICE_INTERNALS
        by_name = (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                   and node.func.id in ("getattr", "setattr", "hasattr") and len(node.args) > 1
                   and isinstance(node.args[1], ast.Constant)
                   and node.args[1].value in SERVICE_INTERNALS)
        if attribute or by_name:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_front_ends_do_not_reach_through_the_service():
    reached = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel not in CLI and (found := _internals_reached(path)):
            reached[rel] = found
    assert not reached, ("front ends reach through the service into its internals (give "
                         f"DirectoryService a method instead): {reached}")


def test_the_check_for_reaching_through_finds_what_it_should(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("async def f(service, request, svc, self):\n"
                   "    await service.store.role('x')\n"
                   "    people = request.app[SERVICE].people\n"
                   "    svc.tokens.MAX_PER_USER\n"
                   "    await self.service.db.fetchone('SELECT 1')\n"
                   "    getattr(service, 'people')\n", encoding="utf-8")
    assert len(_internals_reached(bad)) == 5
    good = tmp_path / "good.py"
    good.write_text("async def f(service, settings, tokens):\n"
                    "    await service.role('x')\n"
                    "    settings.db_path\n"
                    "    await tokens.create(service, None, 'n')\n", encoding="utf-8")
    assert _internals_reached(good) == []
