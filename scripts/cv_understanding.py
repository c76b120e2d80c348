"""Cross-validation of the topic decision across the authors of the examples.

Each source file in data/examples/ (one author's questions) is held out in turn; the model
is trained on the others and the whole decision (model, lexicon bonus, "nothing fits") is
judged on the held-out author. This uses only learning data, never an evaluation set, and
is how the blend's settings were chosen.

    uv run python scripts/cv_understanding.py [--db PATH] [--grid]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory.service import DirectoryService  # noqa: E402
from directory.training import fit  # noqa: E402
from directory.understand import (  # noqa: E402
    LEXICON_BONUS,
    MIN_PROBABILITY,
    MIN_UNSUPPORTED,
    Understander,
)
from directory.understand.model import NONE  # noqa: E402


async def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", default="var/kontaktvag.db")
    p.add_argument("--grid", action="store_true", help="try several blend settings")
    p.add_argument("--show", action="store_true", help="print off-topic questions answered")
    args = p.parse_args()
    service = await DirectoryService.open(args.db, Path("data"))
    d = await service.directory()
    examples = await service.store.examples()
    reader = Understander(d, use_model=False)
    features = {e.question: reader.features(e.question) for e in examples}
    sources = sorted({e.source for e in examples})
    grid = [(b, m, w) for b in (0.15, 0.25, 0.35) for m in (0.25, 0.3)
            for w in (0.3, 0.45, 0.6)] if args.grid \
        else [(LEXICON_BONUS, MIN_PROBABILITY, MIN_UNSUPPORTED)]
    totals: dict[tuple[float, float, float], Counter] = {g: Counter() for g in grid}
    for held in sources:
        train = [(features[e.question], e.topic or NONE) for e in examples if e.source != held]
        model = await asyncio.to_thread(fit, train, "cv")
        test = [e for e in examples if e.source == held]
        for bonus, least, unsupported in grid:
            u = Understander(d, bonus=bonus, min_probability=least,
                             min_unsupported=unsupported)
            u.model = model
            c = totals[(bonus, least, unsupported)]
            for e in test:
                got = u.understand(e.question).topic
                c["n"] += 1
                c["right"] += got == e.topic
                if e.topic is None:
                    c["off"] += 1
                    c["off_answered"] += got is not None
                    if got is not None and args.show:
                        print(f"  svarade {got}: {e.question}")
                elif got is None:
                    c["missed"] += 1
        print(f"held out {held}: {len(test)} questions", flush=True)
    print(f"{'bonus':>6} {'min p':>6} {'no word':>8} {'topic right':>12} "
          f"{'off-topic answered':>19} {'no answer':>10}")
    for (bonus, least, unsupported), c in totals.items():
        print(f"{bonus:6.2f} {least:6.2f} {unsupported:8.2f} {100 * c['right'] / c['n']:11.1f}% "
              f"{c['off_answered']:>8}/{c['off']:<10} {c['missed']:>10}")
    await service.close()


if __name__ == "__main__":
    asyncio.run(main())
