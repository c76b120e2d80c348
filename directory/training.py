"""Building the topic model from the directory's labelled example questions.

The only module that imports scikit-learn (and numpy and scipy with it): it runs on import
and when an admin asks for a rebuild, never while answering. The build is deterministic:
the same examples, lexicon and settings give the same model (examples in a fixed order,
one BLAS thread, a fixed solver).

    python -m directory.training --db PATH    # rebuild the model stored in PATH
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from directory.understand.model import DANGER, NONE, Block, TopicModel, digest

if TYPE_CHECKING:
    from directory.service import DirectoryService

# Chosen by cross-validation across authors on the training examples (docs/understanding.md)
SETTINGS: dict[str, float] = {"C": 10.0, "char_min_df": 2, "word_min_df": 1,
                              "concept_scale": 0.3}
BLOCKS = ("char", "word", "concept")
MIN_DANGER = 10  # examples with and without danger before the danger head is learnt


def fit(rows: list[tuple[dict[str, list[str]], str]], model_digest: str,
        settings: dict[str, float] = SETTINGS, danger: list[bool] | None = None) -> TopicModel:
    """Train on (features, class) rows; classes are topic slugs or NONE. With `danger` (one
    label per row, at least MIN_DANGER of each) a yes/no head for immediate danger is
    learnt from the same features."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    labels = [label for _, label in rows]
    vectorizers, matrices = [], []
    for name in BLOCKS:
        concept = name == "concept"
        v = TfidfVectorizer(analyzer=_pick(name), sublinear_tf=True, lowercase=False,
                            use_idf=not concept, dtype=np.float64,
                            min_df=1 if concept else int(settings[f"{name}_min_df"]))
        x = v.fit_transform([features for features, _ in rows])
        vectorizers.append(v)
        matrices.append(x * (settings["concept_scale"] if concept else 1.0))
    x_all = hstack(matrices).tocsr()
    with threadpool_limits(1):
        clf = LogisticRegression(C=settings["C"], max_iter=5000, solver="lbfgs")
        clf.fit(x_all, labels)
        coefs, intercepts = [clf.coef_], [clf.intercept_]
        heads: tuple[str, ...] = ()
        if danger is not None and min(sum(danger), len(danger) - sum(danger)) >= MIN_DANGER:
            head = LogisticRegression(C=settings["C"], max_iter=5000, solver="lbfgs")
            head.fit(x_all, [int(d) for d in danger])
            coefs.append(head.coef_)
            intercepts.append(head.intercept_)
            heads = (DANGER,)
    coef_all = np.vstack(coefs)  # classes and heads x features
    classes = tuple(str(c) for c in clf.classes_)
    blocks, start = [], 0
    for name, v in zip(BLOCKS, vectorizers, strict=True):
        vocab = v.vocabulary_
        width = len(vocab)
        coef = coef_all[:, start:start + width]  # classes and heads x features
        start += width
        index = {f: int(i) for f, i in vocab.items()}
        idf = [float(x) for x in v.idf_] if v.use_idf else [1.0] * width
        weights = coef.T.reshape(-1).tolist()  # row-major: feature row, then class
        blocks.append(Block(name, settings["concept_scale"] if name == "concept" else 1.0,
                            bool(v.use_idf), index, idf, weights))
    return TopicModel(classes, tuple(float(b) for b in np.concatenate(intercepts)),
                      tuple(blocks), model_digest, len(rows),
                      dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), heads)


def _pick(name: str) -> Callable[[dict[str, list[str]]], list[str]]:
    def analyzer(features: dict[str, list[str]]) -> list[str]:
        return features[name]
    return analyzer


async def current_digest(service: DirectoryService) -> str:
    """The digest a model built now would have."""
    from directory.lexicon_doc import stored_doc

    examples = await service.store.examples()
    d = await service.directory()
    return digest([(e.question, e.topic, e.danger) for e in examples], stored_doc(d.lexicon),
                  SETTINGS)


async def build(service: DirectoryService, force: bool = False) -> TopicModel | None:
    """Rebuild the stored model when its examples, lexicon or settings changed (or always
    with `force`). Returns the new model, or None when it was current."""
    from directory.understand import Understander

    examples = await service.store.examples()
    d = await service.directory()
    model_digest = await current_digest(service)
    if not force and d.model is not None and d.model.digest == model_digest:
        return None
    reader = Understander(d, use_model=False)
    kept = [e for e in examples if e.topic is None or e.topic in d.topics]
    rows = [(reader.features(e.question), e.topic or NONE) for e in kept]
    if len({label for _, label in rows}) < 2:
        return None
    model = await asyncio.to_thread(fit, rows, model_digest, SETTINGS,
                                    [e.danger for e in kept])
    await service.store.save_model(model)
    return model


async def _build_at(db_path: str, force: bool) -> TopicModel | None:
    from directory.service import DirectoryService

    service = await DirectoryService.open(db_path)
    try:
        return await build(service, force)
    finally:
        await service.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m directory.training")
    p.add_argument("--db", required=True)
    p.add_argument("--force", action="store_true")
    args = p.parse_args(argv)
    model = asyncio.run(_build_at(args.db, args.force))
    print("modellen är redan aktuell" if model is None else
          f"modellen byggd av {model.examples} exempel")
    return 0


if __name__ == "__main__":
    sys.exit(main())
