"""Benchmark `ask` in-process: latency and memory at 1k, 10k and 100k roles, and accuracy
against two baselines (plain rapidfuzz WRatio, SQLite FTS5 bm25). Prints figures.

    uv run python scripts/bench_ask.py                 # all scales, each in a subprocess
    uv run python scripts/bench_ask.py --scale 10000   # one scale, in this process

The generator scales the demo directory to 290 municipalities: Dalarna's 15 real ones
(with their demo roles) and 275 generated ones, each with roles of every kind, so that
questions from the evaluation sets still have right answers to find.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.ask import ask  # noqa: E402
from directory.evaluate import load_cases  # noqa: E402
from directory.model import Contact, Organisation, Place  # noqa: E402
from directory.service import DirectoryService  # noqa: E402
from directory.snapshot import Directory  # noqa: E402
from directory.understand import Understander  # noqa: E402

PUBLIC = ROOT.parent / "shared" / "eval" / "questions.yaml"
SEALED = ROOT / "tests" / "eval" / "sealed_questions.yaml"  # timed only: figures of speed
MUNICIPALITIES = 290


def scaled(base: Directory, n_roles: int) -> Directory:
    """The demo directory grown to `n_roles` roles over 290 municipalities."""
    extra_munis = [f"Testkommun {i:03d}" for i in range(MUNICIPALITIES - len(base.municipalities))]
    municipalities = base.municipalities + tuple(extra_munis)
    roles = dict(base.roles)
    areas = {k: set(v) for k, v in base.areas.items()}
    orgs = dict(base.organisations)
    template = next(iter(base.roles.values()))
    kinds = list(base.kinds)
    i = 0
    while len(roles) < n_roles:
        muni = extra_munis[i % len(extra_munis)]
        kind = kinds[(i // len(extra_munis)) % len(kinds)]
        org_id = f"gen-org-{i % len(extra_munis)}"
        orgs.setdefault(org_id, Organisation(org_id, f"{muni} kommun", "kommun", (muni,), True))
        role_id = f"gen-{i}"
        roles[role_id] = dataclasses.replace(
            template, id=role_id, org_id=org_id, kind=kind, name=f"{kind} {muni} {i}",
            contacts=(Contact("phone", "070-174 06 50", "Växel"),))
        areas[role_id] = {muni}
        i += 1
    for area in areas.values():  # regional roles serve the new municipalities too
        if set(base.municipalities) <= area:
            area.update(extra_munis)
    lexicon = dataclasses.replace(
        base.lexicon, municipalities=municipalities,
        places=base.lexicon.places + tuple(Place(m, m, "form") for m in extra_munis))
    return dataclasses.replace(
        base, municipalities=municipalities, organisations=orgs, roles=roles,
        areas={k: frozenset(v) for k, v in areas.items()}, lexicon=lexicon,
        by_kind_area={}, everywhere={}, kinds_in_use=set(), _places=None)


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


async def run_scale(n_roles: int, db: Path) -> None:
    service = await DirectoryService.open(db)  # built beforehand: no training in here
    base = await service.directory()
    await service.close()
    d = scaled(base, n_roles)
    understander = Understander(d)
    timed = [c for f in (PUBLIC, SEALED) if f.exists() for c in load_cases(f)]
    cases = load_cases(PUBLIC) if PUBLIC.exists() else []
    for case in timed[:20]:  # warm caches
        ask(d, understander, case.q, case.at, case.kommun)
    times, correct_topic, correct_first = [], 0, 0
    for _ in range(3):
        for case in timed:
            t0 = time.perf_counter()
            answer = ask(d, understander, case.q, case.at, case.kommun)
            times.append((time.perf_counter() - t0) * 1000)
    for case in cases:
        answer = ask(d, understander, case.q, case.at, case.kommun)
        correct_topic += answer.understanding.topic in case.topic
        first = answer.route[0].role.kind if answer.route else None
        correct_first += (first in case.first) if case.first else (not answer.route)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(d.roles):>7} roller  {len(d.municipalities)} kommuner  "
          f"p50 {statistics.median(times):6.2f} ms  p95 {percentile(times, 95):6.2f} ms  "
          f"topp-minne {rss:6.0f} MB  ({len(times)} frågor)", flush=True)
    if n_roles == 1000 and cases:
        docs = topic_documents(d)
        n = len(cases)
        wr, fts = WRatioBaseline(docs), FtsBaseline(docs)
        wr_ok = sum(wr.topic(c.q) in c.topic for c in cases)
        fts_ok = sum(fts.topic(c.q) in c.topic for c in cases)
        print(f"\nÄmnesträffsäkerhet på de {n} offentliga frågorna:")
        print(f"  Kontaktväg            {100 * correct_topic / n:5.1f} %   "
              f"route[0] {100 * correct_first / n:5.1f} %")
        print(f"  rapidfuzz WRatio      {100 * wr_ok / n:5.1f} %")
        print(f"  SQLite FTS5 bm25      {100 * fts_ok / n:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, help="one scale in this process")
    parser.add_argument("--db", help="a demo database already built (with its model)")
    args = parser.parse_args()
    if args.scale and args.db:
        asyncio.run(run_scale(args.scale, Path(args.db)))
        return
    print("Kontaktväg – ask i processen (2 kärnor)\n")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        subprocess.run([sys.executable, "-m", "bot.cli", "--db", str(db), "ask", "x"],
                       check=True, cwd=ROOT, capture_output=True)  # demo data and its model
        for n in ([args.scale] if args.scale else (1000, 10_000, 100_000)):
            subprocess.run([sys.executable, __file__, "--scale", str(n), "--db", str(db)],
                           check=True)


if __name__ == "__main__":
    main()
