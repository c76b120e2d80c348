"""Every `uv run kontaktvag …` line in the README's ```sh blocks runs as written.

Each line is run by bash, in README order, in a fresh directory (so `var/`, `export/` and
`losenord.txt` are its own), with `uv run kontaktvag` standing for the installed
`kontaktvag` script that `uv run kontaktvag` starts. `serve` runs until it says where it
listens (on a free port: KONTAKTVAG_PORT, the line itself unchanged); a command that asks
for a password gets one at a terminal (a pty).
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from test_cli import PUBLIC_QUESTIONS, _answer_prompts

from bot.settings import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
SCRIPT = Path(sys.executable).parent / "kontaktvag"
PASSWORD = "ett-långt-readme-lösenord"


def readme_commands() -> list[str]:
    """The lines of the ```sh blocks that run kontaktvag, comments left for bash."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines()
            if re.match(r"^(uv run kontaktvag |.*\| uv run kontaktvag )", line.strip())]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(command: str, cwd: Path, env: dict) -> str:
    """Start `serve`, read until it has said where to sign in, then stop it (Ctrl-C)."""
    proc = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, deadline = b"", time.monotonic() + 60
    try:
        while b"/login" not in out and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                out += chunk
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    return out.decode("utf-8", "replace")


def test_the_readme_commands_run_as_written(tmp_path, demo_db):
    commands = readme_commands()
    assert len(commands) >= 15, commands
    (tmp_path / "var").mkdir()
    shutil.copy(demo_db, tmp_path / "var" / "kontaktvag.db")
    (tmp_path / "tests").symlink_to(PROJECT_ROOT / "tests")
    (tmp_path / "losenord.txt").write_text(PASSWORD + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTAKTVAG_")}
    env["KONTAKTVAG_PORT"] = str(free_port())
    env["KONTAKTVAG_EVAL_FILE"] = str(PUBLIC_QUESTIONS)  # `eval` without a file, in any clone
    ran = []
    for line in commands:
        command = line.replace("uv run kontaktvag", shlex.quote(str(SCRIPT)))
        if re.search(r"kontaktvag\S* serve\b", command):
            out = _serve(command, tmp_path, env)
            assert f"127.0.0.1:{env['KONTAKTVAG_PORT']}" in out, (line, out)
            if "--db" in line:
                db = line.split("--db", 1)[1].split()[0]
                assert f"users add NAMN --role admin --db {db}" in out, out
                assert (tmp_path / db).exists()
        elif re.search(r"users add \S+ --role \S+\s*(#.*)?$", line):
            code, out = _answer_prompts([], [PASSWORD, PASSWORD], cwd=tmp_path, env=env,
                                        argv=["/bin/bash", "-c", command])
            assert code == 0 and "är skapat" in out, (line, out)
        else:
            done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, text=True,
                                  capture_output=True, timeout=300)
            assert done.returncode == 0, (line, done.stderr)
            assert done.stdout.strip(), line
            assert "Traceback" not in done.stderr, (line, done.stderr)
        ran.append(line)
    names = subprocess.run([str(SCRIPT), "users", "list"], cwd=tmp_path, env=env, text=True,
                           capture_output=True).stdout
    assert "anna\tadmin" in names and "bo\tstaff" in names
    assert (tmp_path / "export").is_dir()
    assert len(ran) == len(commands)


# Placeholders in the commands the README's text mentions, as someone would fill them in.
FILLED = {"FILE": "tests/eval/learnt_a_questions.yaml", "<botusername>": "kontaktvag_test_bot",
          "PATH": "kopia.db"}


def inline_commands() -> list[str]:
    """The `uv run kontaktvag …` commands written in the README's text (not its ```sh
    blocks), whitespace as one space; a bare `uv run kontaktvag` is not a command."""
    text = re.sub(r"```.*?```", "", README.read_text(encoding="utf-8"), flags=re.S)
    found = [" ".join(c.split()) for c in re.findall(r"`([^`]*uv run kontaktvag [^`]+)`", text)]
    return list(dict.fromkeys(c for c in found if c not in readme_commands()))


def test_the_commands_in_the_readme_text_run_with_their_placeholders_filled(tmp_path,
                                                                            demo_db):
    commands = inline_commands()
    assert any("backup PATH" in c for c in commands), commands
    (tmp_path / "var").mkdir()
    shutil.copy(demo_db, tmp_path / "var" / "kontaktvag.db")
    (tmp_path / "tests").symlink_to(PROJECT_ROOT / "tests")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTAKTVAG_")}
    ran = []
    for line in commands:
        if "<token>" in line:  # needs Telegram: tests/test_telegram.py runs the bot
            continue
        command = line.replace("uv run kontaktvag", shlex.quote(str(SCRIPT)))
        for placeholder, value in FILLED.items():
            command = command.replace(placeholder, value)
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, text=True,
                              capture_output=True, timeout=300)
        assert done.returncode == 0, (line, done.stdout, done.stderr)
        assert done.stdout.strip() and "Traceback" not in done.stderr, (line, done.stderr)
        ran.append(line)
    assert (tmp_path / "kopia.db").exists()
    assert any("restore" in c for c in ran) and any("--bot" in c for c in ran), ran
