"""The `kontaktvag` command: ask, eval, import, export, serve and administration."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli_common import DB_HELP, UsageError, db_option, open_service
from bot.settings import Settings
from directory.ask import canonical_municipality, parse_moment
from directory.guidance import known_asker

if TYPE_CHECKING:
    from directory.service import DirectoryService
    from directory.snapshot import Directory


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kontaktvag", description="Kontaktväg – vem ringer jag?")
    p.add_argument("--db", metavar="PATH", help=DB_HELP)
    sub = p.add_subparsers(dest="command", required=True)
    db = [db_option()]

    a = sub.add_parser("ask", help="ställ en fråga", parents=db)
    a.add_argument("question", nargs="?")
    a.add_argument("--json", action="store_true", help="svar som JSON (se ask-json.md)")
    a.add_argument("--at", help="tidpunkt, ISO 8601 (standard: nu); i --batch för rader "
                                "utan egen \"at\"")
    a.add_argument("--kommun", help="förvald kommun när frågan inte nämner någon; i --batch "
                                    "för rader utan egen \"kommun\"")
    a.add_argument("--asker", help="vem som frågar: vard, socialtjanst eller myndighet "
                   "(väljer checklistans rader; utan visas alla, märkta); i --batch för "
                   "rader utan egen \"asker\"")
    a.add_argument("--batch", help="JSON-rader, en fråga per rad ('-' för stdin)")
    a.set_defaults(func=cmd_ask)

    e = sub.add_parser("eval", help="mät förståelse och vägval på en frågefil", parents=db)
    e.add_argument("file", nargs="?")
    e.add_argument("--blind", action="store_true",
                   help="bara siffror, inga frågetexter (för en förseglad frågefil)")
    e.set_defaults(func=cmd_eval)

    i = sub.add_parser("import", help="läs in katalogfiler (allt eller inget)", parents=db)
    i.add_argument("path")
    i.add_argument("--as", dest="actor", default="import", help="vem som läser in")
    i.set_defaults(func=cmd_import)

    x = sub.add_parser("export", help="skriv ut hela katalogen som filer", parents=db)
    x.add_argument("path", nargs="?", default="export")
    x.set_defaults(func=cmd_export)

    s = sub.add_parser("serve", help="starta webbappen (och Telegram-boten om token finns)",
                       parents=db)
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.set_defaults(func=cmd_serve)
    from bot.admin_backup import add_backup_commands
    from bot.admin_cli import add_admin_commands

    add_admin_commands(sub, db)  # users, invite, unanswered
    add_backup_commands(sub, db)  # backup, restore
    return p


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot import snapshot_cache

    service = await open_service(settings)
    try:
        await snapshot_cache.start(service, settings.db_path)
        d = await service.directory()
        if d.model is None and await service.store.examples():
            d = await _build_missing_model(service)
        if args.batch:
            return await _batch(service, args)
        if not args.question:
            raise UsageError("ask behöver en fråga inom citattecken")
        at = _moment(args.at)
        kommun = _kommun(d, args.kommun)
        asker = _asker(args.asker)
        answer = await service.ask(args.question, at, kommun, record=True, asker=asker)
        if args.json:
            print(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        else:
            from bot.render import answer_text

            print(answer_text(await service.directory(), answer))
        return 0
    finally:
        await service.close()


async def _build_missing_model(service: DirectoryService) -> Directory:
    """A database whose model was never built (a server stopped within seconds of its first
    start builds it beside itself): build it now, once, rather than answer from the lexicon
    alone every time."""
    from directory.training import build

    print("Bygger förståelsen av frågor (några sekunder, bara första gången) …",
          file=sys.stderr, flush=True)
    await build(service)
    return await service.directory()


def _moment(value: str | None):
    try:
        return parse_moment(value)
    except ValueError:
        raise UsageError(f"--at: '{value}' är ingen tidpunkt i ISO 8601, "
                         "t.ex. 2026-11-24T23:30:00+01:00") from None


def _asker(value: str | None) -> str | None:
    try:
        return known_asker(value)
    except ValueError as e:
        raise UsageError(f"--asker: {e}") from None


def _kommun(d, value: str | None) -> str | None:
    if value is None:
        return None
    name = canonical_municipality(d, value)
    if name is None:
        raise UsageError(f"--kommun: okänd kommun '{value}'")
    return name


async def _batch(service: DirectoryService, args: argparse.Namespace) -> int:
    """One JSON answer per line; --at, --kommun and --asker apply to lines without their
    own."""
    d = await service.directory()
    default_at = _moment(args.at) if args.at else None
    default_kommun = _kommun(d, args.kommun)
    default_asker = _asker(args.asker)
    stream = sys.stdin if args.batch == "-" else None
    if stream is None:
        try:
            stream = open(args.batch, encoding="utf-8")  # noqa: SIM115
        except OSError as e:
            raise UsageError(f"--batch: kan inte läsa {args.batch}: {e.strerror}") from None
    with stream:
        for line in stream:
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                if not isinstance(item, dict) or not isinstance(item.get("q"), str):
                    raise ValueError("raden ska vara ett JSON-objekt med \"q\"")
                at = parse_moment(item["at"]) if item.get("at") else (
                    default_at or parse_moment(None))
                kommun = default_kommun
                if item.get("kommun"):
                    kommun = canonical_municipality(d, str(item["kommun"]))
                    if kommun is None:
                        raise ValueError(f"okänd kommun '{item['kommun']}'")
                asker = known_asker(item["asker"]) if item.get("asker") else default_asker
                out = (await service.ask(item["q"], at, kommun, asker=asker)).to_json()
            except (ValueError, TypeError) as e:
                out = {"error": str(e)}
            print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


async def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from directory.evaluate import load_cases, report, run

    path = Path(args.file) if args.file else settings.eval_file
    try:
        cases = load_cases(path)
    except (OSError, KeyError, TypeError, ValueError) as e:
        raise UsageError(f"eval: kan inte läsa {path}: {e}") from None
    service = await open_service(settings)
    try:
        print(f"{path} – {len(cases)} frågor")
        print(report(await run(service, cases), misses=not args.blind))
        return 0
    finally:
        await service.close()


async def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from directory.importer import ImportFailed

    service = await open_service(settings)
    warned: list = []
    try:
        changed = await service.import_files(Path(args.path), args.actor, warned=warned)
    except ImportFailed as e:
        print(f"Inläsningen avbröts – inget ändrades. {len(e.problems)} fel:", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    finally:
        await service.close()
    print("Inläst: " + ", ".join(f"{k} {v}" for k, v in changed.items()) + " ändrade.")
    if warned:
        print(f"{len(warned)} varningar (inläsningen gjordes ändå):", file=sys.stderr)
        for problem in warned:
            print(f"  {problem}", file=sys.stderr)
    return 0


async def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from directory.exporter import export_to

    service = await open_service(settings)
    try:
        written = await export_to(service.store, Path(args.path))
    finally:
        await service.close()
    print(f"{len(written)} filer skrivna till {args.path}/ (innehåller skyddade uppgifter: "
          "förvara dem som katalogens säkerhetskopia)")
    return 0


async def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import serve

    await serve(settings)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # `kontaktvag ask … | head`: the reader has gone. Exit quietly, as a program killed
        # by SIGPIPE would (128 + 13), and keep Python from complaining at shutdown.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    db = getattr(args, "db_sub", None) or args.db
    settings = Settings.from_env(db_path=Path(db) if db else None,
                                 host=getattr(args, "host", None),
                                 port=getattr(args, "port", None))
    try:
        status = asyncio.run(args.func(args, settings))
        sys.stdout.flush()  # a closed pipe shows here, inside the BrokenPipeError handler
        return status
    except UsageError as e:
        print(f"kontaktvag: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
