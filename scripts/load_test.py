"""Load test on loopback: `kontaktvag serve` with the Telegram webhook and a fake Bot API
behind it, driven by wrk (a C load generator, so the client does not eat the server's CPU).
90 % asks (through /api/ask and through the webhook), 10 % edits. Bounded in time; prints
requests per second, p50/p99, errors, answers the bot sent, and whether the server ever
logged "database is locked". Needs `wrk` (apt-get install wrk).

    uv run python scripts/load_test.py                       # 20 s, 32 connections
    uv run python scripts/load_test.py --seconds 10 --connections 16
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from aiohttp import web
from harness import ROOT, TOKEN, WEBHOOK_SECRET, Server, free_port, prepare_database

sys.path.insert(0, str(ROOT))
from tests.fake_telegram import FakeBotApi  # noqa: E402

TELEGRAM_USERS = range(700000, 700400)


def question_lines() -> list[str]:
    out = []
    for path in [ROOT.parent / "shared" / "eval" / "questions.yaml",
                 *sorted((ROOT / "tests" / "eval").glob("*.yaml"))]:
        if path.exists():
            out += [json.dumps(q["q"], ensure_ascii=False)
                    for q in yaml.safe_load(path.read_text("utf-8"))["questions"]]
    return out


async def link_telegram_users(db: Path) -> None:
    from directory.service import DirectoryService

    service = await DirectoryService.open(db)
    try:
        for uid in TELEGRAM_USERS:
            await service.people.add_user(f"tg{uid}", "staff", telegram_id=uid)
    finally:
        await service.close()


async def run_wrk(url: str, env: dict, seconds: float, connections: int) -> str:
    proc = await asyncio.create_subprocess_exec(
        "wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
        "-s", str(ROOT / "scripts" / "load_mix.lua"), url, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return out.decode()


async def main(seconds: float, connections: int) -> int:
    if shutil.which("wrk") is None:
        print("wrk saknas: apt-get install wrk", file=sys.stderr)
        return 2
    fake = FakeBotApi(TOKEN)
    runner = web.AppRunner(fake.app())
    await runner.setup()
    fake_port = free_port()
    await web.TCPSite(runner, "127.0.0.1", fake_port).start()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "load.db"
        token = await prepare_database(db)
        await link_telegram_users(db)
        questions = Path(tmp) / "questions.txt"
        questions.write_text("\n".join(question_lines()) + "\n", encoding="utf-8")
        server = Server(db, free_port(), bot_api=f"http://127.0.0.1:{fake_port}/bot")
        server.start()
        try:
            await server.wait_ready()
            env = dict(os.environ, KV_TOKEN=token, KV_WEBHOOK_SECRET=WEBHOOK_SECRET,
                       KV_QUESTIONS=str(questions))
            await run_wrk(server.url, env, 2, 4)  # warm-up, not counted
            sent_before = len(fake.sent("sendMessage"))
            out = await run_wrk(server.url, env, seconds, connections)
            if "KINDS" not in out:
                print(out, file=sys.stderr)
            await asyncio.sleep(2.0)  # let the bot answer what it has queued
            answered = len(fake.sent("sendMessage")) - sent_before
        finally:
            server.stop()
            await runner.cleanup()
        log = server.log.read_text(errors="replace")
    kinds = dict(re.findall(r"(\w+)=(\d+)", re.search(r"KINDS (.*)", out).group(1)))
    latency = dict(re.findall(r"(\w+)=([\d.]+)", re.search(r"LATENCY (.*)", out).group(1)))
    errors = dict(re.findall(r"(\w+)=(\d+)", re.search(r"ERRORS (.*)", out).group(1)))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = sum(int(v) for v in kinds.values())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    conflicts = int(re.search(r"CONFLICTS (\d+)", out).group(1))
    # A 412 is the API refusing an edit made on an old ETag (the script then retries with
    # the new one): expected under concurrent edits, not an error.
    failures = (sum(int(v) for v in errors.values())
                + (int(non2xx.group(1)) if non2xx else 0) - conflicts)
    locked = "database is locked" in log
    print(f"Kontaktväg serve under wrk – {connections} anslutningar, {seconds:.0f} s, "
          f"2 kärnor (server, fake Bot API och wrk på samma maskin)\n")
    print(f"  anrop/s totalt      {rps:8.0f}")
    for kind, label in (("ask", "frågor /api/ask"), ("webhook", "frågor webhook"),
                        ("edit", "ändringar")):
        share = int(kinds.get(kind, 0)) / total if total else 0
        print(f"  {label:18}  {rps * share:8.0f}/s   ({100 * share:4.1f} %)")
    print(f"  latens              p50 {float(latency['p50']):.1f} ms   "
          f"p99 {float(latency['p99']):.1f} ms   max {float(latency['max']):.1f} ms")
    print(f"  svar som boten skickade via fake Bot API: {answered}")
    print(f"  ändringar på gammal ETag (412, görs om): {conflicts}")
    print(f"  fel: {failures}   'database is locked' i serverloggen: "
          f"{'JA' if locked else 'nej'}")
    return 1 if failures or locked else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.seconds, args.connections)))
