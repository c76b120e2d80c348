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

from directory.understand.model import DANGER, MAN_HEAD, NONE, Block, TopicModel, digest
from directory.vocabulary import Gender

if TYPE_CHECKING:
    from directory.model import Example
    from directory.service import DirectoryService

# Chosen by cross-validation across authors on the training examples (docs/understanding.md)
SETTINGS: dict[str, float] = {"C": 10.0, "char_min_df": 2, "word_min_df": 1,
                              "concept_scale": 0.3}
BLOCKS = ("char", "word", "concept")
MIN_HEAD = 10  # examples saying yes and no before a yes/no head is learnt
# heads learnt from the words alone: the concept block holds the rules' own reading of the
# person ("p:kvinna"), right on nearly every example they were written from, so a head
# given it would only echo the rules it is there to second
WORDS_ONLY = frozenset({MAN_HEAD})


def fit(rows: list[tuple[dict[str, list[str]], str]], model_digest: str,
        settings: dict[str, float] = SETTINGS,
        heads: dict[str, list[bool | None]] | None = None) -> TopicModel:
    """Train on (features, class) rows; classes are topic slugs or NONE. Each of `heads`
    (name -> one label per row, None where the example does not say) with at least MIN_HEAD
    examples saying yes and no is learnt as a yes/no head on the same features."""
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
        coefs, intercepts, learnt = [clf.coef_], [clf.intercept_], []
        words = x_all.shape[1] - matrices[-1].shape[1]  # char and word columns (BLOCKS)
        for name, said in (heads or {}).items():
            kept = [i for i, s in enumerate(said) if s is not None]
            yes = [int(bool(said[i])) for i in kept]
            if min(sum(yes), len(yes) - sum(yes)) < MIN_HEAD:
                continue
            x = x_all[kept][:, :words] if name in WORDS_ONLY else x_all[kept]
            head = LogisticRegression(C=settings["C"], max_iter=5000, solver="lbfgs")
            head.fit(x, yes)
            coef = head.coef_
            if name in WORDS_ONLY:
                coef = np.hstack([coef, np.zeros((1, x_all.shape[1] - words))])
            coefs.append(coef)
            intercepts.append(head.intercept_)
            learnt.append(name)
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
                      dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), tuple(learnt))


def heads_of(examples: list[Example]) -> dict[str, list[bool | None]]:
    """The yes/no heads' labels: danger said or not; the person's gender only where the
    example makes it clear. (Examples say the person's group too; a head learnt from it
    took "mamma med två barn" for a child, and is not built.)"""
    return {DANGER: [e.danger for e in examples],
            MAN_HEAD: [None if e.gender is None else e.gender == Gender.MAN for e in examples]}


def _pick(name: str) -> Callable[[dict[str, list[str]]], list[str]]:
    def analyzer(features: dict[str, list[str]]) -> list[str]:
        return features[name]
    return analyzer


async def current_digest(service: DirectoryService) -> str:
    """The digest a model built now would have."""
    from directory.lexicon_doc import stored_doc

    examples = await service.store.examples()
    d = await service.directory()
    return digest([(e.question, e.topic, e.labels()) for e in examples], stored_doc(d.lexicon),
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
    model = await asyncio.to_thread(fit, rows, model_digest, SETTINGS, heads_of(kept))
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
