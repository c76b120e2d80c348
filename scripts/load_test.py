"""Load test on loopback: `kontaktvag serve` with the Telegram webhook and a fake Bot API
behind it. 90 % asks (through /api/ask and through the webhook), 10 % edits. Bounded in
time and count; prints requests per second and p50/p99 per kind, errors, and whether the
server ever logged "database is locked".

    uv run python scripts/load_test.py                       # 20 s, 32 connections
    uv run python scripts/load_test.py --seconds 10 --connections 16
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml
from aiohttp import web
from harness import ROOT, WEBHOOK_SECRET, Server, free_port, percentile, prepare_database

sys.path.insert(0, str(ROOT))
from tests.fake_telegram import FakeBotApi  # noqa: E402

EDIT_ROLES = ["mora-socialtjanst-barn", "falun-socialtjanst-vuxen", "orsa-socialtjanst-barn",
              "avesta-socialtjanst-vuxen"]
TELEGRAM_USERS = range(700000, 700400)


def questions() -> list[str]:
    out = []
    for path in [ROOT.parent / "shared" / "eval" / "questions.yaml",
                 *sorted((ROOT / "tests" / "eval").glob("*.yaml"))]:
        if path.exists():
            out += [q["q"] for q in yaml.safe_load(path.read_text("utf-8"))["questions"]]
    return out


async def link_telegram_users(db: Path) -> None:
    from directory.service import DirectoryService

    service = await DirectoryService.open(db)
    try:
        for uid in TELEGRAM_USERS:
            await service.people.add_user(f"tg{uid}", "staff", telegram_id=uid)
    finally:
        await service.close()


async def worker(session, url, token, fake, qs, stats, deadline, budget):
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        roll = random.random()
        t0 = time.perf_counter()
        try:
            if roll < 0.10:
                kind = "ändring"
                role = random.choice(EDIT_ROLES)
                body = {"instructions": f"Lasttest {time.time_ns()}"}
                r = await session.patch(f"{url}/api/roles/{role}", json=body, headers=headers)
            elif roll < 0.82:
                kind = "fråga /api/ask"
                r = await session.post(f"{url}/api/ask", json={"q": random.choice(qs)},
                                       headers=headers)
            else:
                kind = "fråga webhook"
                update = fake.update(fake.text_message(random.choice(TELEGRAM_USERS),
                                                       random.choice(qs)))
                r = await session.post(f"{url}/telegram/webhook", json=update,
                                       headers={"X-Telegram-Bot-Api-Secret-Token":
                                                WEBHOOK_SECRET})
            await r.read()
            ok = r.status == 200
        except aiohttp.ClientError:
            kind, ok = "fel", False
        stats.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        if not ok:
            stats.setdefault("fel", []).append(0)
        n += 1


async def main(seconds: float, connections: int, max_requests: int) -> int:
    fake = FakeBotApi("555000:HarnessTokenNotReal-abcdefghijklmnop")
    runner = web.AppRunner(fake.app())
    await runner.setup()
    fake_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", fake_port).start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        token = await prepare_database(db)
        await link_telegram_users(db)
        server = Server(db, free_port(), bot_api=f"http://127.0.0.1:{fake_port}/bot")
        server.start()
        try:
            await server.wait_ready()
            qs = questions()
            stats: dict[str, list[float]] = {}
            connector = aiohttp.TCPConnector(limit=connections)
            async with aiohttp.ClientSession(connector=connector) as session:
                started = time.monotonic()
                deadline, budget = started + seconds, [max_requests]
                await asyncio.gather(*(worker(session, server.url, token, fake, qs, stats,
                                              deadline, budget) for _ in range(connections)))
                elapsed = time.monotonic() - started
            await asyncio.sleep(1.0)  # let the bot answer what it has queued
        finally:
            server.stop()
            await runner.cleanup()
        log = server.log.read_text(errors="replace")
    errors = len(stats.pop("fel", []))
    total = sum(len(v) for v in stats.values())
    print(f"Kontaktväg serve – {connections} samtidiga anslutningar, {elapsed:.1f} s, "
          f"{total} anrop, {total / elapsed:.0f} anrop/s totalt\n")
    for kind, values in sorted(stats.items()):
        print(f"  {kind:16} {len(values):6d} st  {len(values) / elapsed:6.0f}/s  "
              f"p50 {statistics.median(values):6.1f} ms  p99 {percentile(values, 99):6.1f} ms")
    answered = len(fake.sent("sendMessage"))
    print(f"\n  svar som boten skickade via fake Bot API: {answered}")
    print(f"  fel (ej 200): {errors}")
    locked = "database is locked" in log
    print(f"  'database is locked' i serverloggen: {'JA' if locked else 'nej'}")
    return 1 if errors or locked else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--max-requests", type=int, default=100_000)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.seconds, args.connections, args.max_requests)))
