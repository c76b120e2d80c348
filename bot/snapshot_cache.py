"""The one-shot CLI's snapshot cache: the directory and its question matcher, kept beside
the database between runs.

A `kontaktvag ask` would otherwise spend most of its time reading the whole directory
(the topic model included) and building the matcher (stemming the lexicon), although the
directory rarely changes between two questions. After a full load the two are pickled to
`<db>.snapshot-cache`, stamped with the state of the database they were read from; the
next run compares the stamp with the database and, when they are equal, answers from the
pickle. Any change moves the stamp (see `_stamp`), and so does new code or another Python
or library, so an answer from the cache is the answer a full load would give. When only
writes came after the cache (the same file, code and history), the cached snapshot is
brought up to date the way `serve` keeps its own (directory/refresh.py), which is much
quicker than reading everything again.

The cache is code to Python (a pickle): it is written 0600 and read only when it belongs
to this user and nobody else may write it. Failing to read or write it is never an error;
the run just loads the directory as it always did.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from directory.service import DirectoryService
    from directory.snapshot import Directory
    from directory.store import Store

FORMAT = 1
SUFFIX = ".snapshot-cache"
ROOT = Path(__file__).resolve().parent.parent
CODE = ("directory",)  # the packages whose classes are pickled or whose code built them


class Stamp(NamedTuple):
    """The state of the database a cached snapshot was read in (see `_stamp`)."""

    file: tuple[int, int]
    schema: int
    generation: int
    last_version: int
    version_mark: tuple | None
    model: Any
    code: str


def cache_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SUFFIX)


async def start(service: DirectoryService, db_path: Path) -> None:
    """Give `service` the cached snapshot and matcher if they match the database, or bring
    them up to date when the database has only been written to since (as `serve` keeps its
    snapshot: the changes applied, the matcher built again only when its names, lexicon or
    model changed); else load them as usual. Keep the result for the next run."""
    path = cache_path(Path(db_path))
    stamp = await _stamp(service)
    saved, found = _read(path)
    if found is not None and saved == stamp:
        await service.adopt(found[0], found[1])
        return
    if saved is not None and found is not None and await _continues(service, saved, stamp):
        await service.adopt(found[0], found[1], current=False)  # brought up to date
    d = await service.directory()  # a full load unless adopted above
    understander = await service.understander()
    read = await _stamp_of(service, d)
    if read == stamp:  # nothing was written between the two looks
        _write(path, read, (d, understander))


async def _stamp(service: DirectoryService) -> Stamp:
    """The state of the database a snapshot depends on. Every change to the directory
    moves `generation` (the snapshots' own signal); the file's identity (a restored backup
    or a copy is another file) and the last version's id, time and content tell another
    history with as many changes from the one the cache was made from; the model's stamp
    and the schema version are there to be sure."""
    store = service.store
    last = await store.last_version_id()
    return Stamp(_file(service), await service.db.schema_version(), await store.generation(),
                 last, await _version_mark(store, last), await store.model_stamp(),
                 _code_stamp())


async def _stamp_of(service: DirectoryService, d: Directory) -> Stamp:
    """The stamp of the state a loaded snapshot was read in."""
    model = (d.model.digest, d.model.built_at) if d.model is not None else None
    return Stamp(_file(service), await service.db.schema_version(), d.generation,
                 d.last_version, await _version_mark(service.store, d.last_version), model,
                 _code_stamp())


async def _continues(service: DirectoryService, saved: Stamp, now: Stamp) -> bool:
    """Whether the database is the one the cache was made from, changed only by writes
    after it (a restored backup or a copy is another file or another history): the same
    file, schema and code, and the last version the cache had is still there unchanged."""
    return (saved.file == now.file and saved.schema == now.schema and saved.code == now.code
            and now.generation > saved.generation and saved.last_version > 0
            and await _version_mark(service.store, saved.last_version) == saved.version_mark)


def _file(service: DirectoryService) -> tuple[int, int]:
    st = os.stat(service.db.path)
    return st.st_dev, st.st_ino


async def _version_mark(store: Store, version_id: int) -> tuple | None:
    version = await store.version(version_id) if version_id else None
    if version is None:
        return None
    content = json.dumps([version.entity, version.entity_id, version.actor, version.action,
                          version.before, version.after], sort_keys=True, ensure_ascii=False)
    return version.at, hashlib.sha256(content.encode()).hexdigest()


def _code_stamp() -> str:
    """This Python, the code that defines and builds a snapshot (names, sizes and times of
    its files) and the installed libraries (the folder they are installed in changes when
    one is added, removed or upgraded)."""
    h = hashlib.sha256(f"{FORMAT} {sys.version} {sys.executable}".encode())
    for package in CODE:
        for folder, dirs, files in os.walk(ROOT / package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".sql")):
                    st = os.stat(os.path.join(folder, name))
                    h.update(f"{folder}/{name} {st.st_size} {st.st_mtime_ns}\n".encode())
    import rapidfuzz

    site = Path(rapidfuzz.__file__).resolve().parent.parent
    h.update(f"{site} {site.stat().st_mtime_ns}".encode())
    return h.hexdigest()


def _read(path: Path) -> tuple[Stamp | None, tuple | None]:
    """The stamp and the (snapshot, matcher) of the cache; (None, None) when there is none
    to trust."""
    try:
        with open(path, "rb") as f:
            st = os.fstat(f.fileno())
            if st.st_uid != os.getuid() or st.st_mode & 0o022:
                return None, None  # written by someone else, or others may write it
            stamp = pickle.load(f)
            found = pickle.load(f)
    except Exception:  # missing, unreadable, truncated, from older code: load as usual
        return None, None
    if isinstance(stamp, Stamp) and isinstance(found, tuple) and len(found) == 2:
        return stamp, found
    return None, None


def _write(path: Path, stamp: Stamp, found: tuple) -> None:
    """Atomically (a whole file or none), readable and writable by this user only."""
    import tempfile

    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    except OSError:
        return  # a folder we may not write in: no cache
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(stamp, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(found, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
