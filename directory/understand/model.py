"""The statistical half of understanding: a topic model learnt from labelled questions.

`directory/training.py` builds it with scikit-learn from the examples in the directory;
this module only reads the stored weights and scores a question, in plain Python, so that
answering never imports the training library. The features are the same functions for
both: character n-grams and word n-grams of the question with place names masked, and the
lexicon's concepts, phrases and the person as extra words.

The stored form (`TopicModel.to_bytes`), in the directory's database: a short magic
string, a JSON head (classes, feature names, the arrays' lengths) and then the idf and
weight tables of each block as raw little-endian float32, so that reading it is a copy,
not a decompression (the weights hardly compress). Models stored by earlier versions as
zlib-compressed JSON with base64 arrays are still read.
"""

from __future__ import annotations

import array
import base64
import hashlib
import json
import math
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import itemgetter, mul
from typing import Any

MAGIC = b"KVTM2"  # the stored form with raw tables (`to_bytes`)
FEATURES_VERSION = 1  # bump when a feature function changes: stored models are then stale
NONE = ""  # the class of questions nothing in the directory fits
DANGER = "danger"  # the head for immediate danger: examples marked `danger: true`
MAN_HEAD = "gender=man"  # the person is a man or boy (not a woman or girl)
PLACE = "_plats_"  # a place name, masked: places must not teach topics
CHAR_SIZES = (2, 3, 4, 5)


def char_grams(toks: list[str]) -> list[str]:
    """Character n-grams inside each word, with the word's edges marked by spaces."""
    out: list[str] = []
    for tok in toks:
        w = f" {tok} "
        for n in CHAR_SIZES:
            if len(w) < n:
                break
            out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


def word_grams(toks: list[str]) -> list[str]:
    """Words of two letters or more, and pairs of neighbouring words."""
    words = [t for t in toks if len(t) > 1]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


@dataclass(frozen=True)
class Block:
    """One group of features: its vocabulary with idf and one weight per class."""

    name: str
    scale: float
    use_idf: bool
    index: dict[str, int]  # feature -> row
    # Lists when trained, float32 arrays when read (`from_bytes`): the same numbers either
    # way, and arrays load, copy and pickle without a Python float per weight.
    idf: Sequence[float]
    weights: Sequence[float]  # row-major: row * n_classes + class

    # Each row's class weights times the row's idf (1 without idf) as one tuple, made the
    # first time a question has the row (from the row-major `weights`): in float64 the
    # product of two float32 numbers is exact, so a feature seen once adds exactly its
    # tf-idf times weight, and a question's rows are summed column by column without a
    # float made per weight. One row more, all 0.0 (row `len(index)`), pads a pick of one.
    by_row: list[tuple[float, ...] | None] = field(default_factory=list, compare=False,
                                                   repr=False)

    def __post_init__(self) -> None:
        if not self.by_row and self.index:
            k = len(self.weights) // len(self.index)
            self.by_row.extend([None] * len(self.index) + [(0.0,) * k])

    def rows(self, grams: list[str]) -> list[int]:
        """The rows of the features the model knows, in the order of the grams."""
        index = self.index
        return [index[g] for g in grams if g in index]

    def word_rows(self, token: str) -> list[int]:
        """The rows of one word's known character n-grams, in `char_grams` order: a
        question's rows are its words' rows one after the other, so a word's can be kept."""
        return self.rows(char_grams([token]))

    def add(self, grams: list[str], out: list[float]) -> None:
        """Add this block's share of the decision values (tf-idf, l2-normalised)."""
        self.add_rows(self.rows(grams), out)

    def add_rows(self, looked_up: list[int], out: list[float]) -> None:
        """`add` for features already looked up: counted in C. Most features occur once, and
        their tf is 1, so their weights are only summed; the few repeated ones are scaled
        by their sublinear tf (1 + log n)."""
        counts = Counter(looked_up)
        if not counts:
            return
        pad = len(self.index)  # the 0.0 row: itemgetter of one index gives no tuple
        once = [r for r, n in counts.items() if n == 1] or [pad]
        more = [(r, 1.0 + math.log(n)) for r, n in counts.items() if n > 1]
        if len(once) == 1:
            once.append(pad)
        pick_once = itemgetter(*once)
        if self.use_idf:
            idf = self.idf
            seen = [idf[r] for r in once if r != pad]
            square = sum(map(mul, seen, seen))
            square += sum(v * v for v in (tf * idf[r] for r, tf in more))
        else:
            square = len(once) - once.count(pad) + sum(tf * tf for _, tf in more)
        if square == 0:
            return
        factor = self.scale / math.sqrt(square)
        once_sums = map(sum, zip(*self._vectors(once, pick_once), strict=True))
        if more:
            tfs = [tf for _, tf in more] + [0.0]
            rows = [r for r, _ in more] + [pad]
            more_sums = (sum(map(mul, tfs, column)) for column in zip(
                *self._vectors(rows, itemgetter(*rows)), strict=True))
            for c, (a, b) in enumerate(zip(once_sums, more_sums, strict=True)):
                out[c] += factor * (a + b)
        else:
            for c, a in enumerate(once_sums):
                out[c] += factor * a

    def _vectors(self, rows: list[int], pick: itemgetter[Any]) -> tuple[tuple[float, ...], ...]:
        """The rows' class weights times idf (`by_row`), made for rows not seen yet."""
        vectors = self.by_row
        got = pick(vectors)
        if None in got:
            weights, k = self.weights, len(vectors[-1] or ())
            for r in rows:
                if vectors[r] is None:
                    row = weights[r * k:(r + 1) * k]
                    scale = float(self.idf[r]) if self.use_idf else 1.0
                    vectors[r] = tuple(w * scale for w in row)
            got = pick(vectors)
        return got  # type: ignore[no-any-return]


@dataclass(frozen=True)
class TopicModel:
    """Topic classes (one softmax) and yes/no heads (each its own logistic, e.g. DANGER),
    learnt from the same features: a head is one more weight per feature row, so scoring
    it costs almost nothing beside the topics."""

    classes: tuple[str, ...]  # topic slugs, NONE for "nothing fits"
    intercept: tuple[float, ...]  # one per class, then one per head
    blocks: tuple[Block, ...]
    digest: str  # of what it was built from: examples, lexicon, features, settings
    examples: int
    built_at: str
    heads: tuple[str, ...] = ()  # yes/no questions after the classes in every weight row

    def probabilities(self, grams: dict[str, list[str]],
                      rows: dict[str, list[int]] | None = None) -> dict[str, float]:
        """Class -> probability for one question's features (block name -> features, or
        block name -> rows already looked up: the same numbers, see `Block.word_rows`)."""
        return self.scores(grams, rows)[0]

    def scores(self, grams: dict[str, list[str]], rows: dict[str, list[int]] | None = None
               ) -> tuple[dict[str, float], dict[str, float]]:
        """The classes' probabilities and each head's probability of "yes"."""
        out = list(self.intercept)
        for block in self.blocks:
            if rows is not None and block.name in rows:
                block.add_rows(rows[block.name], out)
            else:
                block.add(grams.get(block.name, []), out)
        k = len(self.classes)
        top = max(out[:k])
        exp = [math.exp(v - top) for v in out[:k]]
        total = sum(exp)
        return ({c: e / total for c, e in zip(self.classes, exp, strict=True)},
                {h: _logistic(v) for h, v in zip(self.heads, out[k:], strict=True)})

    def to_bytes(self) -> bytes:
        head = {"classes": list(self.classes), "intercept": list(self.intercept),
                "digest": self.digest, "examples": self.examples, "built_at": self.built_at,
                "features_version": FEATURES_VERSION, "heads": list(self.heads),
                "blocks": [{"name": b.name, "scale": b.scale, "use_idf": b.use_idf,
                            "features": sorted(b.index, key=b.index.__getitem__),
                            "idf": len(b.idf), "weights": len(b.weights)}
                           for b in self.blocks]}
        text = json.dumps(head, ensure_ascii=False).encode()
        tables = b"".join(_raw(t) for b in self.blocks for t in (b.idf, b.weights))
        return MAGIC + len(text).to_bytes(4, "little") + text + tables

    @classmethod
    def from_bytes(cls, data: bytes) -> TopicModel:
        if not data.startswith(MAGIC):
            return cls._from_zlib_json(data)
        start = len(MAGIC) + 4
        end = start + int.from_bytes(data[len(MAGIC):start], "little")
        doc = json.loads(data[start:end])
        view = memoryview(data)[end:]
        blocks = []
        for b in doc["blocks"]:
            idf, view = _cooked(view, b["idf"])
            weights, view = _cooked(view, b["weights"])
            index = dict(zip(b["features"], range(len(b["features"])), strict=True))
            blocks.append(Block(b["name"], b["scale"], b["use_idf"], index, idf, weights))
        return cls(tuple(doc["classes"]), tuple(doc["intercept"]), tuple(blocks),
                   doc["digest"], doc["examples"], doc["built_at"], tuple(doc["heads"]))

    @classmethod
    def _from_zlib_json(cls, data: bytes) -> TopicModel:
        """The form stored before the raw tables (a database not rebuilt since)."""
        doc = json.loads(zlib.decompress(data))
        blocks = tuple(Block(b["name"], b["scale"], b["use_idf"],
                             {f: i for i, f in enumerate(b["features"])},
                             _unpack(b["idf"]), _unpack(b["weights"]))
                       for b in doc["blocks"])
        return cls(tuple(doc["classes"]), tuple(doc["intercept"]), blocks, doc["digest"],
                   doc["examples"], doc["built_at"], tuple(doc.get("heads", ())))


def _logistic(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))


def _raw(values: Sequence[float]) -> bytes:
    a = array.array("f", values)
    if sys.byteorder == "big":
        a.byteswap()
    return a.tobytes()


def _cooked(view: memoryview, n: int) -> tuple[array.array[float], memoryview]:
    """The first `n` float32 of `view` as an array, and the rest of `view`."""
    a = array.array("f")
    a.frombytes(view[:4 * n])
    if sys.byteorder == "big":
        a.byteswap()
    return a, view[4 * n:]


def _unpack(text: str) -> array.array[float]:
    a = array.array("f")
    a.frombytes(base64.b64decode(text))
    return a


def digest(examples: list[tuple[str, str | None, dict[str, Any]]],
           lexicon_doc: dict[str, Any], settings: dict[str, float]) -> str:
    """What a model was built from (examples as question, topic and what else they say);
    a stored model with another digest is stale."""
    h = hashlib.sha256()
    h.update(json.dumps([FEATURES_VERSION, settings, lexicon_doc, sorted(
        json.dumps([q, t or NONE, said], ensure_ascii=False, sort_keys=True)
        for q, t, said in examples)], ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()[:16]
