"""Account names that look alike are refused: "Admin1" and "аdmin1" (Cyrillic а) are one.

The comparison is UTS #39's confusable skeleton: NFD, default-ignorable characters
dropped, each character replaced by its prototype from Unicode's confusables data, NFD
again. Two names clash when their skeletons are equal, compared both as written and
casefolded ("ADMIN1" and "admin1" clash too, though UTS #39 keeps case).

No well-kept PyPI library computes skeletons (confusable-homoglyphs finds mixed-script
homoglyphs but has no skeleton, `confusables` was last released in 2021, PyICU's spoof
checker needs ICU and a compiler), so Unicode's data is vendored: confusables.txt beside
this module, with its source and licence in its header.
"""

from __future__ import annotations

import functools
import importlib.resources
import unicodedata


@functools.cache
def _prototypes() -> dict[str, str]:
    text = importlib.resources.files("directory").joinpath("confusables.txt").read_text(
        encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        source, target = line.split(";")
        table[chr(int(source, 16))] = "".join(chr(int(h, 16)) for h in target.split())
    return table


_FILLERS = frozenset("\u034f\u115f\u1160\u3164\uffa0\u180b\u180c\u180d\u180e")


def _ignorable(ch: str) -> bool:
    """Default-ignorable: format characters, variation selectors, fillers."""
    return (unicodedata.category(ch) == "Cf" or ch in _FILLERS
            or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef")


def skeleton(name: str) -> str:
    """The UTS #39 skeleton of a name."""
    table = _prototypes()
    text = unicodedata.normalize("NFD", name)
    text = "".join(table.get(ch, ch) for ch in text if not _ignorable(ch))
    return unicodedata.normalize("NFD", text)


def keys(name: str) -> set[str]:
    """What a name is compared by: its skeleton as written and casefolded."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return {skeleton(name), skeleton(folded), skeleton(skeleton(folded).casefold())}


def clash(name: str, existing: list[str] | tuple[str, ...]) -> str | None:
    """The existing name that `name` looks like, or None."""
    mine = keys(name)
    for other in existing:
        if mine & keys(other):
            return other
    return None
