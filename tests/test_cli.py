"""The `kontaktvag` command as a user runs it: a real process, a real database file."""

import json
import subprocess
import sys

import pytest

from bot.settings import PROJECT_ROOT


def run(*args, db, stdin=None):
    return subprocess.run([sys.executable, "-m", "bot.cli", "--db", str(db), *args],
                          capture_output=True, text=True, input=stdin, cwd=PROJECT_ROOT,
                          timeout=120)


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
    out = run("eval", db=demo_db)
    assert out.returncode == 0, out.stderr
    assert "ämne" in out.stdout and "kommun" in out.stdout and "%" in out.stdout


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
