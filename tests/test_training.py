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
from directory.exporter import export_to
from directory.importer import ImportFailed
from directory.training import MIN_HEAD, SETTINGS, build, fit, heads_of
from directory.understand import Understander
from directory.understand.features import grams
from directory.understand.model import DANGER, MAN_HEAD, NONE, TopicModel


@pytest.fixture
async def rows(service):
    d = await service.directory()
    reader = Understander(d, use_model=False)
    examples = (await service.store.examples())[::7]  # a seventh: quick, every topic
    return [(reader.features(e.question), e.topic or NONE) for e in examples]


def by_hand(rows, blocks=("char", "word", "concept")):
    """The model's feature blocks fitted by scikit-learn itself: (vectorizer, scale, matrix)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    mats = []
    for name in blocks:
        concept = name == "concept"
        v = TfidfVectorizer(analyzer=lambda f, n=name: f[n], sublinear_tf=True,
                            lowercase=False, use_idf=not concept, dtype=np.float64,
                            min_df=1 if concept else int(SETTINGS[f"{name}_min_df"]))
        mats.append((v, SETTINGS["concept_scale"] if concept else 1.0,
                     v.fit_transform([f for f, _ in rows])))
    return mats


def test_plain_python_scores_like_scikit_learn(rows):
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    model = fit(rows, "t")
    mats = by_hand(rows)  # the same fit, by hand, to compare probabilities with
    clf = LogisticRegression(C=SETTINGS["C"], max_iter=5000)
    clf.fit(hstack([x * s for _, s, x in mats]).tocsr(), [label for _, label in rows])
    stored = TopicModel.from_bytes(model.to_bytes())  # float32 on disk
    for features, _ in rows[:40]:
        x = hstack([v.transform([features]) * s for v, s, _ in mats]).tocsr()
        expected = dict(zip(clf.classes_, clf.predict_proba(x)[0], strict=True))
        got = stored.probabilities(features)
        assert max(abs(got[c] - expected[c]) for c in expected) < 1e-4


async def test_the_danger_head_scores_like_scikit_learn(service):
    """Examples marked `danger: true` teach a yes/no head on the same features: its
    probability is scikit-learn's, and it is stored and read back with the model."""
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    reader = Understander(await service.directory(), use_model=False)
    examples = (await service.store.examples())[::4]
    assert sum(e.danger for e in examples) >= MIN_HEAD
    rows = [(reader.features(e.question), e.topic or NONE) for e in examples]
    danger = [e.danger for e in examples]
    model = TopicModel.from_bytes(fit(rows, "t", SETTINGS, {DANGER: danger}).to_bytes())
    assert model.heads == (DANGER,)
    mats = by_hand(rows)
    head = LogisticRegression(C=SETTINGS["C"], max_iter=5000)
    head.fit(hstack([x * s for _, s, x in mats]).tocsr(), danger)
    said = [f for (f, _), d in zip(rows, danger, strict=True) if d][:30]
    for features in said + [f for (f, _), d in zip(rows, danger, strict=True) if not d][:30]:
        x = hstack([v.transform([features]) * s for v, s, _ in mats]).tocsr()
        topics, heads = model.scores(features)
        assert abs(heads[DANGER] - head.predict_proba(x)[0][1]) < 1e-4
        assert abs(sum(topics.values()) - 1.0) < 1e-9  # the head is not a topic
    # too few examples of danger: no head, and the topics alone
    assert fit(rows, "t", SETTINGS, {DANGER: [False] * len(rows)}).heads == ()


async def test_the_gender_head_learns_from_the_words_of_examples_that_say_it(service):
    """Only examples that say the person's gender teach the gender head, and only their
    words: the concept block holds the rules' own reading of the person, which the head is
    there to second, not echo."""
    examples = (await service.store.examples())[::3]
    labels = heads_of(examples)[MAN_HEAD]
    assert None in labels and True in labels and False in labels
    reader = Understander(await service.directory(), use_model=False)
    rows = [(reader.features(e.question), e.topic or NONE) for e in examples]
    model = fit(rows, "t", SETTINGS, {MAN_HEAD: labels})
    assert model.heads == (MAN_HEAD,)
    k = len(model.classes) + 1
    concept = next(b for b in model.blocks if b.name == "concept")
    assert all(w == 0.0 for w in concept.weights[k - 1::k])  # the head's column
    # the same as scikit-learn's fit on the labelled rows' character and word n-grams
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression

    mats = by_hand(rows, ("char", "word"))
    said = [i for i, v in enumerate(labels) if v is not None]
    x = hstack([m for _, _, m in mats]).tocsr()
    head = LogisticRegression(C=SETTINGS["C"], max_iter=5000)
    head.fit(x[said], [int(bool(labels[i])) for i in said])
    for features, _ in rows[:30]:
        xi = hstack([v.transform([features]) for v, _, _ in mats]).tocsr()
        assert abs(model.scores(features)[1][MAN_HEAD] - head.predict_proba(xi)[0][1]) < 1e-4


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


async def test_an_example_says_danger_and_whom_it_is_about_or_is_refused(service, tmp_path):
    """`danger: true` and `person: {gender, group}` are kept and written back by export;
    anything else is refused with the file and line, and nothing is imported."""
    data = tmp_path / "data"
    (data / "examples").mkdir(parents=True)
    bad = data / "examples" / "fara.yaml"
    bad.write_text("examples:\n- {q: 'han sparkar in dörren hos henne', topic: akut-skydd}\n"
                   "- {q: 'hon gömmer sig i förrådet', topic: akut-skydd, danger: ja}\n",
                   encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        await service.import_files(data, "test", build_model=False)
    assert any(p.file.endswith("fara.yaml") and p.line == 3 and "danger" in p.reason
               for p in failed.value.problems), failed.value.problems
    assert not [e for e in await service.store.examples() if e.source == "fara"]
    bad.write_text("examples:\n- {q: 'han slog sin pojke', topic: barn-utsatt-for-vald,"
                   " person: {gender: pojke}}\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failed:
        await service.import_files(data, "test", build_model=False)
    assert [(p.line, "person" in p.reason) for p in failed.value.problems] == [(2, True)]
    bad.write_text("examples:\n- {q: 'han sparkar in dörren hos henne', topic: akut-skydd,"
                   " danger: true}\n- {q: 'hon blev slagen i somras', topic: "
                   "vuxen-valdsutsatt, person: {gender: kvinna, group: vuxen}}\n",
                   encoding="utf-8")
    await service.import_files(data, "test", build_model=False)
    kept = {e.question: (e.danger, e.gender, e.group)
            for e in await service.store.examples() if e.source == "fara"}
    assert kept == {"han sparkar in dörren hos henne": (True, None, None),
                    "hon blev slagen i somras": (False, "kvinna", "vuxen")}
    out = tmp_path / "export"
    await export_to(service.store, out)
    written = (out / "examples" / "fara.yaml").read_text(encoding="utf-8")
    assert written.count("danger: true") == 1 and "gender: kvinna" in written


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


def test_a_model_stored_by_an_earlier_version_reads_the_same(rows):
    """Databases built before the raw tables hold zlib-compressed JSON with base64 arrays;
    they are read as they are, to the same numbers, until the next build writes the new
    form (which starts with its magic string and is read without decompressing)."""
    import base64
    import json
    import zlib

    from directory.understand.model import MAGIC

    model = fit(rows[:200], "t")
    new = model.to_bytes()
    assert new.startswith(MAGIC)
    head_len = int.from_bytes(new[len(MAGIC):len(MAGIC) + 4], "little")
    doc = json.loads(new[len(MAGIC) + 4:len(MAGIC) + 4 + head_len])
    fresh = TopicModel.from_bytes(new)
    for b, block in zip(doc["blocks"], fresh.blocks, strict=True):
        b["idf"] = base64.b64encode(block.idf.tobytes()).decode()
        b["weights"] = base64.b64encode(block.weights.tobytes()).decode()
    old = TopicModel.from_bytes(zlib.compress(json.dumps(doc).encode(), 9))
    for features, _ in rows[:20]:
        assert old.probabilities(features) == fresh.probabilities(features)
    assert [b.index for b in old.blocks] == [b.index for b in fresh.blocks]


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
