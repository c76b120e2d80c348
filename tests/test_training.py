"""The topic model: built deterministically from examples, scored in plain Python exactly as
scikit-learn scores it, stored with the directory, rebuilt when what it learns from changes,
and never imported while answering."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from directory.training import SETTINGS, build, fit
from directory.understand import Understander
from directory.understand.features import grams
from directory.understand.model import NONE, TopicModel


@pytest.fixture
async def rows(service):
    d = await service.directory()
    reader = Understander(d, use_model=False)
    examples = (await service.store.examples())[::7]  # a seventh: quick, every topic
    return [(reader.features(e.question), e.topic or NONE) for e in examples]


def test_plain_python_scores_like_scikit_learn(rows):
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    model = fit(rows, "t")
    # the same fit, by hand, to compare probabilities with
    mats = []
    for name in ("char", "word", "concept"):
        concept = name == "concept"
        v = TfidfVectorizer(analyzer=lambda f, n=name: f[n], sublinear_tf=True,
                            lowercase=False, use_idf=not concept, dtype=np.float64,
                            min_df=1 if concept else int(SETTINGS[f"{name}_min_df"]))
        x = v.fit_transform([f for f, _ in rows])
        mats.append((v, SETTINGS["concept_scale"] if concept else 1.0, x))
    clf = LogisticRegression(C=SETTINGS["C"], max_iter=5000)
    clf.fit(hstack([x * s for _, s, x in mats]).tocsr(), [label for _, label in rows])
    stored = TopicModel.from_bytes(model.to_bytes())  # float32 on disk
    for features, _ in rows[:40]:
        x = hstack([v.transform([features]) * s for v, s, _ in mats]).tocsr()
        expected = dict(zip(clf.classes_, clf.predict_proba(x)[0], strict=True))
        got = stored.probabilities(features)
        assert max(abs(got[c] - expected[c]) for c in expected) < 1e-4


def test_the_build_is_deterministic(rows):
    first, second = fit(rows, "t"), fit(rows, "t")
    assert first.classes == second.classes and first.intercept == second.intercept
    assert [b.weights for b in first.blocks] == [b.weights for b in second.blocks]


async def test_import_rebuilds_only_when_the_examples_change(service, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    before = (await service.directory()).model
    assert before is not None and await service.model_is_current()
    unchanged = await service.import_files(data, "test")
    assert unchanged["model"] == 0
    extra = data / "examples" / "nya.yaml"
    extra.write_text("examples:\n- {q: 'grannen hör skrik och slag varje natt', "
                     "topic: vuxen-valdsutsatt}\n", encoding="utf-8")
    changed = await service.import_files(data, "test")
    assert changed["examples"] == 1 and changed["model"] == 1
    after = (await service.directory()).model
    assert after.digest != before.digest and after.examples == before.examples + 1


async def test_examples_keep_no_identity_number(service, tmp_path):
    data = tmp_path / "data"
    (data / "examples").mkdir(parents=True)
    (data / "examples" / "med-nummer.yaml").write_text(
        "examples:\n- {q: 'orosanmälan för 20150312-2385 i Mora', topic: barn-far-illa}\n",
        encoding="utf-8")
    await service.import_files(data, "test", build_model=False)
    kept = [e.question for e in await service.store.examples() if e.source == "med-nummer"]
    assert kept == ["orosanmälan för [personnummer] i Mora"]


def test_answering_never_imports_the_training_library(demo_db):
    """A one-shot `kontaktvag ask` loads the stored model and stays free of scikit-learn."""
    code = ("import sys, asyncio\n"
            "from bot.cli import main\n"
            f"main(['--db', {str(demo_db)!r}, 'ask', 'orosanmälan Mora'])\n"
            "heavy = [m for m in ('sklearn', 'scipy', 'numpy') if m in sys.modules]\n"
            "print('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                         timeout=120, check=True).stdout
    assert "HEAVY []" in out and "Socialtjänsten" in out


async def test_a_rebuild_is_skipped_when_current(service):
    assert await build(service) is None
    assert isinstance(await build(service, force=True), TopicModel)


def test_the_model_file_round_trips(rows, tmp_path: Path):
    model = fit(rows[:200], "t")
    again = TopicModel.from_bytes(model.to_bytes())
    assert again.classes == model.classes and again.digest == "t"
    assert again.probabilities(rows[0][0]).keys() == set(model.classes)


async def test_words_looked_up_once_score_exactly_as_the_features(service):
    """Answering keeps each word's character n-gram rows; the probabilities must be the
    very numbers scored from the question's features (training's form), to the last bit,
    and a word seen before must give what it gave the first time."""
    d = await service.directory()
    assert d.model is not None
    reader = Understander(d)
    questions = [e.question for e in (await service.store.examples())[::5]]
    for round_ in range(2):  # the second round reads every word from what was kept
        for q in questions:
            r = reader._read(q)
            assert reader._word_rows.probabilities(d.model, r) == d.model.probabilities(
                grams(r)), (round_, q)
    assert len(reader._word_rows)
