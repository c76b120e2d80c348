"""Backups and restores of the SQLite file.

`backup` uses SQLite's online backup API from its own connection: it reads one consistent
snapshot (in WAL mode a reader never blocks the writer), so it is safe while `serve` runs.
The copy is checked with `PRAGMA integrity_check`, converted to a self-contained file
(journal_mode=DELETE, no -wal beside it), flushed to disk and only then renamed into place.

`restore` never touches the source. It copies the source into a staging file next to the
database, checks the copy (integrity, the schema version this code knows, foreign keys),
then keeps the current database as `<db>.replaced-<timestamp>` (its WAL folded in first,
or moved along with it) and renames the staging file into place. Every refusal leaves
the database and the directory exactly as they were.

The functions are synchronous (sqlite3 from the standard library); call them through
`asyncio.to_thread` from async code. Messages are Swedish: they are shown to operators.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from directory.db import schema_version_expected

SIDECARS = ("-wal", "-shm", "-journal")
_BUSY_CODES = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_DAMAGED_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_CORE_TABLE = "organisations"  # present in every Kontaktväg schema since version 1


class BackupError(Exception):
    """A refused backup or restore; the message is Swedish and says what to do."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    schema_version: int


@dataclass(frozen=True)
class RestoreResult:
    source: Path
    db_path: Path
    schema_version: int
    expected_version: int
    replaced: Path | None  # where the previous database was kept (None: there was none)


def timestamp(now: dt.datetime | None = None) -> str:
    """A sortable UTC stamp for file names, e.g. 20260124T103000Z."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def backup(db_path: str | Path, target: str | Path) -> BackupResult:
    """Copy the live database to `target` (a file, or a directory for a stamped name)."""
    db_path, target = Path(db_path), Path(target)
    if not db_path.is_file():
        raise BackupError(f"databasen {db_path} finns inte – inget att säkerhetskopiera")
    if target.is_dir():
        target = _unique(target / f"kontaktvag-{timestamp()}.db")
    if target.exists():
        raise BackupError(f"{target} finns redan – välj ett nytt filnamn (inget skrevs över)")
    if not target.parent.is_dir():
        raise BackupError(f"katalogen {target.parent} finns inte")
    if _same_file(db_path, target):
        raise BackupError("målet är databasen själv – välj en annan fil")
    staging = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        try:
            src = _connect(db_path, "rw")
        except sqlite3.DatabaseError as e:
            raise BackupError(f"kan inte öppna databasen {db_path}: {e}") from None
        try:
            _create_private(staging)
            dst = sqlite3.connect(staging)
            try:
                # One step: a single read transaction, so the copy is one consistent
                # snapshot; in WAL mode writers carry on meanwhile.
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
                problems = _integrity(dst)
                if problems:
                    raise BackupError("kopian klarade inte integritetskontrollen: "
                                      + "; ".join(problems[:3]))
                version = _user_version(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError as e:
            if _busy(e):
                raise BackupError("databasen är låst för länge – försök igen") from None
            raise BackupError(f"säkerhetskopieringen misslyckades: {e}") from None
        finally:
            src.close()
        _fsync(staging)
        os.replace(staging, target)
        _fsync_dir(target.parent)
    except OSError as e:
        raise BackupError(f"kan inte skriva {target}: {e.strerror or e}") from None
    finally:
        for leftover in [staging, *(_sidecar(staging, s) for s in SIDECARS)]:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return BackupResult(target, target.stat().st_size, version)


def restore(source: str | Path, db_path: str | Path) -> RestoreResult:
    """Replace the database with a checked copy of `source`; the old one is kept."""
    source, db_path = Path(source), Path(db_path)
    if not source.is_file():
        raise BackupError(f"säkerhetskopian {source} finns inte")
    if db_path.exists() and _same_file(source, db_path):
        raise BackupError("källan är databasen själv – ange en säkerhetskopia")
    if not db_path.parent.is_dir():
        raise BackupError(f"katalogen {db_path.parent} finns inte")
    expected = schema_version_expected()
    stamp = timestamp()
    staging = db_path.with_name(f"{db_path.name}.restoring-{stamp}")
    try:
        version = _stage(source, staging, expected)
        _same_owner(staging, db_path)
        replaced = _set_aside(db_path, stamp)
        try:
            os.replace(staging, db_path)
        except OSError:
            if replaced is not None:  # put the old database back where it was
                _move_with_sidecars(replaced, db_path)
            raise
        _fsync_dir(db_path.parent)
    except OSError as e:
        raise BackupError(f"återställningen misslyckades, databasen är oförändrad: "
                          f"{e.strerror or e}") from None
    finally:
        for leftover in [staging, *(_sidecar(staging, s) for s in SIDECARS)]:
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return RestoreResult(source, db_path, version, expected, replaced)


def _stage(source: Path, staging: Path, expected: int) -> int:
    """Copy the source (and a WAL beside it) to `staging` and check it; its version."""
    _create_private(staging)
    shutil.copyfile(source, staging)
    wal = _sidecar(source, "-wal")
    if wal.is_file():
        _create_private(_sidecar(staging, "-wal"))
        shutil.copyfile(wal, _sidecar(staging, "-wal"))
    try:
        conn = sqlite3.connect(staging)
    except sqlite3.DatabaseError as e:
        raise BackupError(f"{source} går inte att öppna: {e}") from None
    try:
        try:
            problems = _integrity(conn)
            if problems:
                raise BackupError(f"{source} är skadad (integrity_check: "
                                  f"{'; '.join(problems[:3])}) – inget ändrades")
            version = _user_version(conn)
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
            conn.execute("PRAGMA journal_mode=DELETE")  # fold a copied WAL in
        except sqlite3.DatabaseError as e:
            raise BackupError(f"{source} är ingen läsbar SQLite-databas ({e}) "
                              "– inget ändrades") from None
    finally:
        conn.close()
    if version == 0 or _CORE_TABLE not in tables:
        raise BackupError(f"{source} är ingen Kontaktväg-databas (schemaversion {version}) "
                          "– inget ändrades")
    if version > expected:
        raise BackupError(
            f"{source} har schemaversion {version}, men den här versionen av Kontaktväg "
            f"känner bara till version {expected}. Uppgradera Kontaktväg först "
            "(en nedgradering kan inte läsa den nyare databasen) – inget ändrades")
    if foreign:
        raise BackupError(f"{source} har {len(foreign)} brutna referenser "
                          "(foreign_key_check) – inget ändrades")
    _fsync(staging)
    return version


def _set_aside(db_path: Path, stamp: str) -> Path | None:
    """Fold the WAL into the current database and rename it; None if there is none.

    Switching a WAL database to journal_mode=DELETE needs every other connection gone,
    so this is also the check that `serve` is not running on it.
    """
    present = [db_path, *(_sidecar(db_path, s) for s in SIDECARS)]
    if not any(p.exists() for p in present):
        return None
    conn = None
    if db_path.exists():
        in_use = False
        try:
            conn = sqlite3.connect(db_path, timeout=0.5, isolation_level=None)
            mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            in_use = str(mode).lower() != "delete"
            if not in_use:
                conn.execute("BEGIN EXCLUSIVE")  # nobody writes to it while it moves
        except sqlite3.DatabaseError as e:
            if conn is not None:
                conn.close()
                conn = None
            in_use = _busy(e)
            damaged = getattr(e, "sqlite_errorcode", None) in _DAMAGED_CODES
            if not in_use and not damaged:
                raise BackupError(f"kan inte öppna databasen {db_path}: {e} – inget ändrades"
                                  ) from None
            # A damaged database (the reason to restore) has its files kept as they are.
        if in_use:
            if conn is not None:
                conn.close()
            raise BackupError(
                f"databasen {db_path} används (kör `kontaktvag serve`?) – stoppa tjänsten "
                "först, t.ex. `systemctl stop kontaktvag`; inget ändrades")
    replaced = _unique(db_path.with_name(f"{db_path.name}.replaced-{stamp}"))
    try:
        _move_with_sidecars(db_path, replaced)
    finally:
        if conn is not None:
            conn.close()
    _fsync_dir(db_path.parent)
    return replaced


def _move_with_sidecars(src: Path, dst: Path) -> None:
    """Rename a database and whatever -wal/-shm/-journal it has, keeping SQLite's names."""
    for suffix in ("", *SIDECARS):
        a, b = _sidecar(src, suffix), _sidecar(dst, suffix)
        if a.exists():
            os.replace(a, b)


def _create_private(path: Path) -> None:
    """An empty file only the owner can read: the database holds protected data."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _same_owner(path: Path, like: Path) -> None:
    """Give the restored file the mode (and, as root, the owner) of the one it replaces."""
    try:
        st = like.stat()
    except FileNotFoundError:
        return
    os.chmod(path, st.st_mode & 0o777)
    with contextlib.suppress(PermissionError):
        if hasattr(os, "chown"):
            os.chown(path, st.st_uid, st.st_gid)


def _connect(path: Path, mode: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30)
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _busy(e: sqlite3.Error) -> bool:
    return getattr(e, "sqlite_errorcode", None) in _BUSY_CODES


def _integrity(conn: sqlite3.Connection) -> list[str]:
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def _user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _unique(path: Path) -> Path:
    """`path`, or `name-1.db` / `name.replaced-STAMP-1` when it is taken."""
    candidate, n = path, 1
    while candidate.exists():
        if path.suffix == ".db":
            candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        else:
            candidate = path.with_name(f"{path.name}-{n}")
        n += 1
    return candidate


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
