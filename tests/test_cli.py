"""The `kontaktvag` command as a user runs it: a real process, a real database file."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT, Settings

# ../shared/eval/questions.yaml, vendored (provenance in its header): `eval` without a file
# reads KONTAKTVAG_EVAL_FILE, so the tests need nothing beside the clone.
PUBLIC_QUESTIONS = PROJECT_ROOT / "tests" / "fixtures" / "public_questions.yaml"
COPIED_BELOW = "# ---- the original follows, unchanged ----\n"


def run(*args, db, stdin=None, env=None):
    return subprocess.run([sys.executable, "-m", "bot.cli", "--db", str(db), *args],
                          capture_output=True, text=True, input=stdin, cwd=PROJECT_ROOT,
                          timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("at, first, opens_day", [
    ("2026-11-24T23:30:00+01:00", "socialjour", None),
    ("2026-11-24T10:15:00+01:00", "socialtjanst-barn", None),
    ("2026-12-25T10:00:00+01:00", "socialjour", "2026-12-28"),
    # Trettondagsafton: the municipal offices close at 13:00, the duty service opens.
    ("2027-01-05T14:00:00+01:00", "socialjour", "2027-01-07"),
    ("2026-01-05T14:00:00+01:00", "socialjour", "2026-01-07"),
    ("2027-01-05T12:00:00+01:00", "socialtjanst-barn", None),
])
def test_acceptance_orosanmalan_mora(demo_db, at, first, opens_day):
    out = run("ask", "--json", "--at", at, "orosanmälan Mora", db=demo_db)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["understood"]["municipality"] == "Mora"
    assert answer["route"][0]["kind"] == first
    if first == "socialtjanst-barn":
        assert answer["route"][0]["role_id"] == "mora-socialtjanst-barn"
    if opens_day:
        office = next(s for s in answer["route"] if s["role_id"] == "mora-socialtjanst-barn")
        assert office["opens"].startswith(opens_day)


def test_a_missing_database_is_created_with_the_demo_directory(tmp_path):
    db = tmp_path / "new" / "k.db"
    out = run("ask", "--at", "2026-11-24T10:15:00+01:00", "våldtäkt Falun", db=db)
    assert out.returncode == 0, out.stderr
    assert db.exists()
    assert "Demodata" in out.stdout and "Tolkat som" in out.stdout


def test_a_database_without_its_model_gets_it_built_once(tmp_path):
    """A server stopped before it built the topic model beside itself leaves a database
    without one: `ask` builds it (saying so), instead of answering from the lexicon alone
    every time; the next question finds it there."""
    import asyncio

    from directory.service import DirectoryService

    db = tmp_path / "k.db"

    async def without_model() -> None:
        service = await DirectoryService.open(db, Settings.from_env().demo_data,
                                              build_model=False)
        assert (await service.directory()).model is None
        await service.close()

    asyncio.run(without_model())
    at = ["--at", "2026-11-24T10:15:00+01:00", "--json"]
    out = run("ask", *at, "BRIS telefon, gäller en 12-åring i Mora", db=db)
    assert out.returncode == 0, out.stderr
    assert "Bygger förståelsen" in out.stderr
    assert json.loads(out.stdout)["understood"]["topic"] == "barn-far-illa"
    again = run("ask", *at, "orosanmälan Mora", db=db)
    assert "Bygger förståelsen" not in again.stderr


def test_batch_keeps_order_and_survives_bad_lines(demo_db):
    lines = "\n".join([
        json.dumps({"q": "orosanmälan Mora", "at": "2026-11-24T23:30:00+01:00"}),
        "{not json",
        json.dumps({"q": "orosanmälan", "kommun": "Narnia"}),
        json.dumps({"q": "orosanmälan", "kommun": "falun", "at": "2026-11-24T10:15:00+01:00"}),
    ])
    out = run("ask", "--json", "--batch", "-", db=demo_db, stdin=lines)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(x) for x in out.stdout.splitlines()]
    assert len(rows) == 4
    assert rows[0]["route"][0]["kind"] == "socialjour"
    assert "error" in rows[1] and "Narnia" in rows[2]["error"]
    assert rows[3]["understood"]["municipality"] == "Falun"


@pytest.mark.parametrize("args, fragment", [
    (["ask", "--json", "--at", "igår", "orosanmälan"], "--at"),
    (["ask", "--kommun", "Narnia", "orosanmälan"], "Narnia"),
    (["ask", "--json"], "fråga"),
    (["ask", "--bogus"], "unrecognized"),
    (["ask", "--asker", "polisen", "orosanmälan Mora"], "--asker"),
])
def test_bad_arguments_exit_2_with_one_line(demo_db, args, fragment):
    out = run(*args, db=demo_db)
    assert out.returncode == 2
    assert fragment in out.stderr
    assert out.stdout == ""


def test_import_error_names_file_and_line_and_exits_nonzero(demo_db, tmp_path):
    bad = tmp_path / "org.yaml"
    bad.write_text("id: ny-org\nname: Ny\ntype: kommun\nmunicipalities: [Mora]\nroles:\n"
                   "  - id: ny-roll\n    kind: finns-inte\n    name: X\n", encoding="utf-8")
    out = run("import", str(bad), db=demo_db)
    assert out.returncode == 1
    assert "inget ändrades" in out.stderr and "org.yaml:7" in out.stderr


def test_eval_prints_accuracy_and_misses(demo_db):
    out = run("eval", db=demo_db, env={"KONTAKTVAG_EVAL_FILE": str(PUBLIC_QUESTIONS)})
    assert out.returncode == 0, out.stderr
    assert "ämne" in out.stdout and "kommun" in out.stdout and "%" in out.stdout
    assert out.stdout.startswith(f"{PUBLIC_QUESTIONS} – 40 frågor")


def test_the_vendored_public_questions_equal_the_shared_ones():
    vendored = PUBLIC_QUESTIONS.read_text(encoding="utf-8")
    assert COPIED_BELOW in vendored
    shared = Settings().eval_file  # ../shared/eval/questions.yaml
    if not shared.exists():
        pytest.skip(f"{shared} is not beside this clone: nothing to compare with")
    assert vendored.split(COPIED_BELOW, 1)[1] == shared.read_text(encoding="utf-8")


def test_asker_picks_the_checklist_lines(demo_db):
    def checklist(*extra):
        out = run("ask", "--json", "--at", "2026-11-24T10:15:00+01:00", *extra,
                  "våldsutsatt kvinna Falun", db=demo_db)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)["checklist"]

    everyone, social, care = checklist(), checklist("--asker", "socialtjanst"), checklist(
        "--asker", "vard")
    assert any(line.startswith("Socialtjänsten: Gör en strukturerad riskbedömning")
               for line in everyone)
    assert any(line.startswith("Gör en strukturerad riskbedömning") for line in social)
    assert not any("riskbedömning" in line for line in care)
    assert len(care) < len(social) < len(everyone)
def kontaktvag(*args, env=None, stdin=None, cwd=PROJECT_ROOT, timeout=120):
    """The installed `kontaktvag` script (what `uv run kontaktvag` runs), options where the
    user puts them."""
    import os

    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KONTAKTVAG_")}
    full_env.update(env or {})
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, input=stdin,
                          cwd=cwd, env=full_env, timeout=timeout)


SCRIPT = Path(sys.executable).parent / "kontaktvag"


def test_db_option_after_every_subcommand(demo_db, tmp_path):
    out = kontaktvag("ask", "--db", str(demo_db), "--at", "2026-11-24T10:15:00+01:00",
                     "orosanmälan Mora")
    assert out.returncode == 0, out.stderr
    out = kontaktvag("users", "add", "kim", "--role", "staff", "--password-stdin",
                     "--db", str(demo_db), stdin="ett-långt-lösenord\n")
    assert out.returncode == 0, out.stderr
    listed = kontaktvag("users", "list", "--db", str(demo_db))
    assert listed.stdout.startswith("kim\tstaff")
    assert kontaktvag("users", "--db", str(demo_db), "list").stdout == listed.stdout
    assert kontaktvag("--db", str(demo_db), "users", "list").stdout == listed.stdout
    for args in (["invite", "--role", "staff"], ["unanswered"], ["export", str(tmp_path / "x")],
                 ["backup", str(tmp_path / "b.db")]):
        out = kontaktvag(*args, "--db", str(demo_db))
        assert out.returncode == 0, (args, out.stderr)
    assert not (PROJECT_ROOT / "var" / "b.db").exists()


def test_batch_uses_at_and_kommun_for_lines_without_their_own(demo_db):
    lines = "\n".join([json.dumps({"q": "orosanmälan"}),
                       json.dumps({"q": "orosanmälan", "kommun": "Falun",
                                   "at": "2026-11-24T10:15:00+01:00"})])
    out = kontaktvag("ask", "--json", "--batch", "-", "--kommun", "mora",
                     "--at", "2026-11-24T23:30:00+01:00", "--db", str(demo_db), stdin=lines)
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(x) for x in out.stdout.splitlines())
    assert first["understood"]["municipality"] == "Mora"
    assert first["understood"]["at"] == "2026-11-24T23:30:00+01:00"
    assert first["route"][0]["kind"] == "socialjour"
    assert second["understood"]["municipality"] == "Falun"
    assert second["route"][0]["role_id"] == "falun-socialtjanst-barn"
    bad = kontaktvag("ask", "--batch", "-", "--kommun", "Narnia", "--db", str(demo_db),
                     stdin=lines)
    assert bad.returncode == 2 and "Narnia" in bad.stderr


def test_invite_takes_address_and_bot_from_settings(demo_db):
    out = kontaktvag("invite", "--role", "staff", "--db", str(demo_db),
                     env={"KONTAKTVAG_PORT": "9123"})
    assert out.returncode == 0, out.stderr
    assert "http://127.0.0.1:9123/signup?code=" in out.stdout
    assert "t.me/" not in out.stdout and "DIN_BOT" not in out.stdout
    assert "svensk tid" in out.stdout and "UTC" not in out.stdout
    out = kontaktvag("invite", "--role", "staff", "--db", str(demo_db),
                     env={"KONTAKTVAG_PUBLIC_URL": "https://kv.example/",
                          "KONTAKTVAG_BOT_USERNAME": "@kontaktvag_test_bot"})
    assert "https://kv.example/signup?code=" in out.stdout
    assert "https://t.me/kontaktvag_test_bot?start=" in out.stdout


def _answer_prompts(args: list[str], answers: list[str], argv: list[str] | None = None,
                    cwd: Path = PROJECT_ROOT, env: dict | None = None) -> tuple[int, str]:
    """Run with a terminal (a pty), answering each password prompt in turn."""
    import os
    import pty
    import select

    argv = argv or [str(SCRIPT), *args]
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(cwd)
        os.execve(argv[0], argv, env if env is not None else dict(os.environ))
    seen, since, pending = "", "", list(answers)
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            os.kill(pid, 9)
            raise AssertionError(f"no prompt: {seen!r}")
        try:
            chunk = os.read(fd, 4096).decode("utf-8", "replace")
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        since += chunk
        if pending and since.rstrip().endswith(":"):
            os.write(fd, (pending.pop(0) + "\n").encode())
            since = ""
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen


def test_users_add_asks_twice_and_again_when_too_short(demo_db):
    code, seen = _answer_prompts(
        ["users", "add", "anna", "--role", "admin", "--db", str(demo_db)],
        ["kort", "ett-långt-lösenord", "ett-annat-lösenord",
         "ett-långt-lösenord", "ett-långt-lösenord"])
    assert code == 0, seen
    assert "minst 12 tecken" in seen and "inte likadana" in seen
    assert seen.count("Upprepa lösenordet") == 2 and "är skapat" in seen
    code, seen = _answer_prompts(["users", "add", "bo", "--role", "staff", "--db", str(demo_db)],
                                 ["kort", "kort", "kort"])
    assert code == 2 and "inget konto skapades" in seen
    listed = kontaktvag("users", "list", "--db", str(demo_db)).stdout
    assert "anna\tadmin" in listed and "bo\t" not in listed


def test_ask_into_a_closed_pipe_exits_quietly(demo_db):
    import shlex

    out = subprocess.run(
        f"{shlex.quote(str(SCRIPT))} ask --db {shlex.quote(str(demo_db))} "
        "--at 2026-11-24T03:00:00+01:00 'kvinnojouren falun' | head -1",
        shell=True, capture_output=True, text=True, timeout=120, cwd=PROJECT_ROOT)
    assert out.stdout.startswith("Tolkat som")
    assert "Traceback" not in out.stderr and "BrokenPipe" not in out.stderr


def _cache(db: Path) -> Path:
    return db.with_name(db.name + ".snapshot-cache")


def _rename(db: Path, role_id: str, name: str) -> None:
    """An edit by another process, as a coordinator's save while the CLI is not running."""
    import asyncio

    from directory.service import DirectoryService

    async def edit() -> None:
        service = await DirectoryService.open(db)
        try:
            await service.patch_role(role_id, {"name": name}, None, "test")
        finally:
            await service.close()

    asyncio.run(edit())


ASK_MORA = ("ask", "--json", "--at", "2026-11-24T10:15:00+01:00", "orosanmälan Mora")


def test_ask_answers_from_its_snapshot_cache_until_the_directory_changes(demo_db):
    """A one-shot ask keeps the loaded directory and matcher beside the database (0600) and
    answers the next question from them exactly as from the database; any edit is seen."""
    first = run(*ASK_MORA, db=demo_db)
    assert first.returncode == 0, first.stderr
    assert _cache(demo_db).exists() and _cache(demo_db).stat().st_mode & 0o777 == 0o600
    written = _cache(demo_db).stat().st_mtime_ns
    cached = run(*ASK_MORA, db=demo_db)
    assert cached.stdout == first.stdout
    assert _cache(demo_db).stat().st_mtime_ns == written  # read, not made again
    _rename(demo_db, "mora-socialtjanst-barn", "Barn och unga, Mora (nytt namn)")
    after = json.loads(run(*ASK_MORA, db=demo_db).stdout)
    assert after["route"][0]["name"] == "Barn och unga, Mora (nytt namn)"
    assert _cache(demo_db).stat().st_mtime_ns != written  # the new state's cache
    _cache(demo_db).unlink()
    assert run(*ASK_MORA, db=demo_db).stdout == json.dumps(after, ensure_ascii=False,
                                                           indent=2) + "\n"


def test_a_snapshot_cache_of_another_state_or_others_is_not_used(demo_db, tmp_path):
    """A cache made for another history with as many changes (a restored backup edited
    again) is not used; nor one that others may write, nor a damaged one."""
    other = tmp_path / "other.db"
    shutil.copy(demo_db, other)
    _rename(demo_db, "mora-socialtjanst-barn", "Namn A")
    _rename(other, "mora-socialtjanst-barn", "Namn B")  # same generation, same version id
    assert run(*ASK_MORA, db=demo_db).returncode == 0
    shutil.copy(_cache(demo_db), _cache(other))
    assert json.loads(run(*ASK_MORA, db=other).stdout)["route"][0]["name"] == "Namn B"

    _cache(demo_db).write_bytes(b"\x80\x05not a pickle")
    out = run(*ASK_MORA, db=demo_db)
    assert out.returncode == 0 and not out.stderr
    assert json.loads(out.stdout)["route"][0]["name"] == "Namn A"


def test_the_snapshot_cache_is_read_only_when_nobody_else_may_write_it(tmp_path):
    from bot.snapshot_cache import Stamp, _read, _write

    path = tmp_path / "k.db.snapshot-cache"
    stamp = Stamp((1, 2), 3, 4, 5, None, None, "code")
    _write(path, stamp, ("directory", "matcher"))
    assert path.stat().st_mode & 0o777 == 0o600
    assert _read(path) == (stamp, ("directory", "matcher"))
    path.chmod(0o620)
    assert _read(path) == (None, None)


def test_users_add_refuses_the_names_the_web_refuses(demo_db):
    """The command line creates accounts too: no personnummer as a name, no name that
    differs from another only by spaces around it (sign-in strips them, so it could never
    sign in), nothing the sign-up form would refuse."""
    first = kontaktvag("users", "add", "anna", "--role", "staff", "--password-stdin",
                       "--db", str(demo_db), stdin="ett-långt-lösenord\n")
    assert first.returncode == 0, first.stderr
    for name in ("811218-9876", "anna ", " anna", "a", "x" * 61, "an\tna", "an\x1bna"):
        done = kontaktvag("users", "add", name, "--role", "staff", "--password-stdin",
                          "--db", str(demo_db), stdin="ett-långt-lösenord\n")
        assert done.returncode != 0, name
        assert "Traceback" not in done.stderr and "9876" not in done.stderr, done.stderr
    listed = kontaktvag("users", "list", "--db", str(demo_db)).stdout
    assert listed.count("\tstaff") == 1, listed
