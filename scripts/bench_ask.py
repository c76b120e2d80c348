"""Benchmark `ask` in-process at 1k, 10k and 100k roles over 290 municipalities, with the
directory written to SQLite and read back as `serve` reads it: latency (p50/p95/p99/max) of
questions aimed at the generated municipalities, the first question after the load, a
fresh matcher, memory; at the largest scale, how long answers wait while a path, a role and
the lexicon are edited and when the edit is seen. At 1k, topic accuracy against two
baselines (plain rapidfuzz WRatio, SQLite FTS5 bm25). Prints figures.

    uv run python scripts/bench_ask.py                 # all scales, each in a subprocess
    uv run python scripts/bench_ask.py --scale 10000   # one scale

The directory is the demo directory grown by scripts/national.py: Dalarna's 15 real
municipalities with their demo roles and 275 generated ones with roles of every kind.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import (  # noqa: E402
    PUBLIC,
    aimed_cases,
    demo_template,
    public_cases,
    write_national,
)

from directory.ask import ask  # noqa: E402
from directory.evaluate import load_cases  # noqa: E402
from directory.hours import STOCKHOLM  # noqa: E402
from directory.model import ContactPath as RoutePath  # noqa: E402
from directory.model import Step  # noqa: E402
from directory.service import DirectoryService  # noqa: E402
from directory.snapshot import Directory  # noqa: E402
from directory.understand import Understander  # noqa: E402

SUNDAY_EVENING = dt.datetime(2026, 11, 29, 18, 0, tzinfo=STOCKHOLM)


def topic_documents(d: Directory) -> list[tuple[str, str]]:
    """(topic, text) pairs a baseline matches against: labels, phrases, role names and
    each concept's terms under the topic it weighs most."""
    docs = [(t.slug, t.label) for t in d.topics.values()]
    for topic, langs in d.lexicon.phrases.items():
        docs += [(topic, p) for terms in langs.values() for p in terms]
    for concept, langs in d.lexicon.concepts.items():
        weights = {t: s.get(concept, 0) for t, s in d.lexicon.signals.items()}
        best = max(weights, key=weights.get) if weights else None
        if best and weights[best] > 0:
            docs += [(best, term) for terms in langs.values() for term in terms]
    first_kind = {}
    for topic, path in d.regional_paths.items():
        if path.steps and path.steps[0].kind:
            first_kind.setdefault(path.steps[0].kind, topic)
    docs += [(first_kind[r.kind], r.name) for r in d.roles.values() if r.kind in first_kind]
    return docs


class WRatioBaseline:
    def __init__(self, docs: list[tuple[str, str]]) -> None:
        self.topics = [t for t, _ in docs]
        self.texts = [x.lower() for _, x in docs]

    def topic(self, q: str) -> str | None:
        hit = process.extractOne(q.lower(), self.texts, scorer=fuzz.WRatio, score_cutoff=60)
        return self.topics[hit[2]] if hit else None


class FtsBaseline:
    def __init__(self, docs: list[tuple[str, str]]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE docs USING fts5(topic UNINDEXED, body, "
                        "tokenize='unicode61 remove_diacritics 2')")
        by_topic: dict[str, list[str]] = {}
        for topic, text in docs:
            by_topic.setdefault(topic, []).append(text)
        self.db.executemany("INSERT INTO docs VALUES (?, ?)",
                            [(t, " ".join(x)) for t, x in by_topic.items()])

    def topic(self, q: str) -> str | None:
        words = ["".join(c for c in w if c.isalnum()) for w in q.split()]
        match = " OR ".join(f'"{w}"' for w in words if len(w) > 1)
        if not match:
            return None
        row = self.db.execute("SELECT topic FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) "
                              "LIMIT 1", (match,)).fetchone()
        return row[0] if row else None


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def figures(times: list[float]) -> str:
    return (f"p50 {statistics.median(times):5.2f}  p95 {percentile(times, 95):5.2f}  "
            f"p99 {percentile(times, 99):5.2f}  max {max(times):6.2f} ms")


class Times:
    """Milliseconds per question, by the wall clock and in CPU time of this thread."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def ask(self, d: Directory, understander: Understander, case, at: dt.datetime,
            also: Times | None = None, remembered: bool = False) -> None:
        if not remembered:
            understander.forget()  # measure reading the question, not the memo
        t0, c0 = time.perf_counter(), time.thread_time()
        ask(d, understander, case.q, at, case.kommun)
        wall, cpu = (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000
        for into in (self, also) if also is not None else (self,):
            into.wall.append(wall)
            into.cpu.append(cpu)

    def __str__(self) -> str:
        return f"{figures(self.wall)}\n                    {figures(self.cpu)} (CPU)"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def run_scale(n_roles: int, db: Path, edits: bool) -> None:
    before = rss_mb()
    t0 = time.perf_counter()
    service = await DirectoryService.open(db)
    d = await service.directory()  # read from SQLite as `serve` reads it
    loaded = time.perf_counter() - t0
    t0 = time.perf_counter()
    understander = await service.understander()
    built = time.perf_counter() - t0
    gc.collect()
    gc.freeze()  # as `serve` does once the directory and matcher are loaded (bot/server.py)
    memory = rss_mb()
    demo = _demo_municipalities(d)
    names = [m for m in d.municipalities if m not in demo]
    cases = aimed_cases(public_cases(), names, tuple(demo))
    t0 = time.perf_counter()
    ask(d, understander, cases[0].q, cases[0].at, cases[0].kommun)
    first_ms = (time.perf_counter() - t0) * 1000
    cold, warm, evening, minutes = Times(), Times(), Times(), Times()
    named = Times()  # rounds 2-3, questions that name a municipality or give one
    for round_ in range(3):
        for case in cases:
            (cold if round_ == 0 else warm).ask(d, understander, case, case.at,
                                                also=named if round_ and case.municipality
                                                else None)
    for i, case in enumerate(cases * 2):  # Sunday 18:00, and each question a minute later
        evening.ask(d, understander, case, SUNDAY_EVENING)
        minutes.ask(d, understander, case, SUNDAY_EVENING + dt.timedelta(minutes=i + 1))
    remembered = Times()  # the same questions again, each remembered by the matcher
    for case in cases:
        understander.understand(case.q, case.kommun)
    for case in cases:
        remembered.ask(d, understander, case, case.at, remembered=True)
    found = sum(ask(d, understander, c.q, c.at, c.kommun).understanding.municipality
                == c.municipality for c in cases if c.municipality)
    aimed = sum(1 for c in cases if c.municipality)
    t0 = time.perf_counter()
    fresh = Understander(d.frozen_view())
    fresh_ms = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    ask(d, fresh, cases[1].q, cases[1].at, cases[1].kommun)
    fresh_first = (time.perf_counter() - t0) * 1000
    print(f"{len(d.roles):>7} roller, {len(d.municipalities)} kommuner, {len(cases)} frågor "
          f"({aimed} riktade mot påhittade kommuner, {found} hittade rätt kommun)")
    print(f"   inläst från SQLite {loaded:5.2f} s, förståelsen byggd {built:5.2f} s, "
          f"minne {memory:4.0f} MB (före {before:3.0f} MB)")
    print(f"   första frågan efter inläsningen {first_ms:6.2f} ms; ny matchare "
          f"{fresh_ms:6.0f} ms att bygga, dess första fråga {fresh_first:6.2f} ms")
    print("   latens per fråga: väggklocka / processortid (tråden; maskinen delas med annat")
    print("   arbete, så väggklockans svans är till stor del väntan på en kärna)")
    print(f"   första varvet    {cold}")
    print(f"   varv 2–3         {warm}")
    print(f"     med kommun     {named}")
    print(f"   söndag 18:00     {evening}")
    print(f"   varje fråga en ny minut från söndag 18:01\n                    {minutes}")
    print(f"   samma fråga igen (ihågkommen av matcharen)\n                    {remembered}",
          flush=True)
    if n_roles == 1000:
        accuracy(d, understander)
    if edits:
        await edit_under_load(service, d, names)
    await service.close()


def _demo_municipalities(d: Directory) -> set[str]:
    return {m for o in d.organisations.values() if not o.id.startswith("gen-")
            for m in o.municipalities}


async def edit_under_load(service: DirectoryService, d: Directory, names: list[str]) -> None:
    """Questions go on, one after the other on the event loop as `serve` answers them,
    while a path, a role and the lexicon are edited: the longest answer meanwhile and how
    long until an answer shows the edit."""
    muni = names[7]
    question = f"orosanmälan {muni}"
    at = dt.datetime(2026, 11, 24, 10, 15, tzinfo=STOCKHOLM)
    current = await service.ask(question, at)
    assert not current.local_path, "a generated municipality has no local path of its own"
    topic = current.understanding.topic
    regional = d.regional_paths[topic]
    new_path = RoutePath(topic, muni, (Step("always", "Lasttest: lokal väg", kind="polis"),
                                       *regional.steps))
    role_id = current.route[0].role.id
    edits = {
        "lokal väg": (lambda: service.store.save_path(new_path, "bench"),
                      lambda a: a.local_path),
        "roll (namn)": (lambda: service.patch_role(role_id, {"name": "Lasttest nytt namn"},
                                                   None, "bench"),
                        lambda a: any(s.role.name == "Lasttest nytt namn" for s in a.route)),
        # the new word is read as the concept (whether it alone decides a topic is the
        # model's affair: it learnt that a lone worry word says little)
        "lexikon (synonym)": (lambda: service.store.add_terms(
            "oro", "sv", ["lasttestord"], "bench"),
            lambda a: a.understanding.analysis is not None
            and a.understanding.analysis.concepts.get("oro", 0.0) >= 0.9),
    }
    print("   ändringar medan frågor besvaras (en i taget, som i serve):")
    for label, (edit, shows) in edits.items():
        q = question if label != "lexikon (synonym)" else f"lasttestord {muni}"
        committed, visible, during, lag = await _while_asking(service, q, at, edit, shows)
        seen = "–" if visible is None else f"{visible * 1000:5.0f} ms"
        print(f"     {label:18} skriven på {committed * 1000:5.0f} ms, syns i svaren efter "
              f"{seen}; längsta svar under tiden {max(during):6.1f} ms ({len(during)} svar), "
              f"händelseslingan stod still högst {lag:5.1f} ms", flush=True)


async def _while_asking(service: DirectoryService, q: str, at: dt.datetime, edit, shows
                        ) -> tuple[float, float | None, list[float], float]:
    """(seconds to commit the edit, seconds until an answer shows it or None after 10 s,
    each answer's milliseconds from the edit on, the longest the event loop was held in
    milliseconds: an answer may wait for a new matcher built in a thread, which holds up
    nothing else)."""
    times: list[float] = []
    state = {"started": 0.0, "lag": 0.0}

    async def ticker() -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(0.001)
            if state["started"]:
                state["lag"] = max(state["lag"], (time.perf_counter() - t0) * 1000 - 1)

    async def asker() -> float | None:
        while True:
            t0 = time.perf_counter()
            answer = await service.ask(q, at)
            times.append((time.perf_counter() - t0) * 1000)
            started = state["started"]
            if started and shows(answer):
                return time.perf_counter() - started
            if started and time.perf_counter() - started > 10:
                return None
            await asyncio.sleep(0)

    task, tick = asyncio.create_task(asker()), asyncio.create_task(ticker())
    await asyncio.sleep(0.3)
    before = len(times)
    state["started"] = started = time.perf_counter()
    await edit()
    committed = time.perf_counter() - started
    visible = await task
    tick.cancel()
    return committed, visible, times[before:], state["lag"]


def accuracy(d: Directory, understander: Understander) -> None:
    cases = load_cases(PUBLIC)
    correct_topic = correct_first = 0
    for case in cases:
        answer = ask(d, understander, case.q, case.at, case.kommun)
        correct_topic += answer.understanding.topic in case.topic
        first = answer.route[0].role.kind if answer.route else None
        correct_first += (first in case.first) if case.first else (not answer.route)
    docs = topic_documents(d)
    n = len(cases)
    wr, fts = WRatioBaseline(docs), FtsBaseline(docs)
    wr_ok = sum(wr.topic(c.q) in c.topic for c in cases)
    fts_ok = sum(fts.topic(c.q) in c.topic for c in cases)
    print(f"\n   Ämnesträffsäkerhet på de {n} offentliga frågorna:")
    print(f"     Kontaktväg            {100 * correct_topic / n:5.1f} %   "
          f"route[0] {100 * correct_first / n:5.1f} %")
    print(f"     rapidfuzz WRatio      {100 * wr_ok / n:5.1f} %")
    print(f"     SQLite FTS5 bm25      {100 * fts_ok / n:5.1f} %\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, help="one scale")
    parser.add_argument("--db", help="the grown database (internal: one scale per process)")
    parser.add_argument("--edits", action="store_true", help="edits under questions too")
    args = parser.parse_args()
    if args.scale and args.db:
        asyncio.run(run_scale(args.scale, Path(args.db), args.edits))
        return
    print(f"Kontaktväg – ask i processen ({_machine()})\n")
    scales = [args.scale] if args.scale else [1000, 10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        template = demo_template(Path(tmp))  # demo data and its model, built by the CLI
        for n in scales:
            db = Path(tmp) / f"national-{n}.db"
            t0 = time.perf_counter()
            asyncio.run(write_national(db, n, template))
            print(f"[{n} roller skrivna till SQLite på {time.perf_counter() - t0:.1f} s]")
            subprocess.run([sys.executable, __file__, "--scale", str(n), "--db", str(db),
                            *(["--edits"] if n == max(scales) else [])], check=True)
            db.unlink()


def _machine() -> str:
    import os
    import platform

    with open("/proc/cpuinfo") as f:
        model = next((line.split(":", 1)[1].strip() for line in f
                      if line.startswith("model name")), platform.machine())
    return f"{os.cpu_count()} kärnor, {model}, Python {platform.python_version()}"


if __name__ == "__main__":
    main()
