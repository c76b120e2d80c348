"""The log scrubber: installed by every app, with or without Telegram."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import PROJECT_ROOT

SCRIPT = """
import logging
from bot.server import create_app
from bot.settings import Settings
logging.basicConfig(level=logging.INFO, format="%(message)s")
create_app(Settings(db_path={db!r}, session_key=None))
log = logging.getLogger("kontaktvag.test")
log.warning("fråga om 811218\\u20119876 i Mora")
log.warning("pnr %s", "19811218-9876")
log.warning("inget här 070-174 06 05")
"""


def test_scrubber_is_installed_without_telegram(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(db=str(tmp_path / "k.db"))],
                          capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "9876" not in done.stderr
    assert done.stderr.count("[personnummer]") == 2
    assert "inget här 070-174 06 05" in done.stderr
