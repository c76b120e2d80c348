"""All configuration, read from KONTAKTVAG_* environment variables in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = Path("var") / "kontaktvag.db"


@dataclass(frozen=True)
class Settings:
    db_path: Path = DEFAULT_DB
    demo_data: Path = PROJECT_ROOT / "data"
    host: str = "127.0.0.1"
    port: int = 8080
    telegram_token: str | None = None
    telegram_api_url: str | None = None
    public_url: str | None = None  # where people reach the server, e.g. https://kontaktvag.se
    bot_username: str | None = None  # the Telegram bot's username, for t.me invite links
    webhook_secret: str | None = None
    session_key: str | None = None
    # Session cookies are Secure (sent only over https; browsers make an exception for
    # localhost). KONTAKTVAG_INSECURE_COOKIES=1 turns that off for a local test over http.
    secure_cookies: bool = True
    # Proxies (addresses or networks) whose X-Forwarded-For / X-Real-IP are believed.
    trusted_proxies: tuple[str, ...] = ()
    # Per user (all of one user's API keys and sessions together).
    asks_per_minute: int = 60
    reports_per_hour: int = 30
    eval_file: Path = PROJECT_ROOT.parent / "shared" / "eval" / "questions.yaml"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        env = dict(os.environ if env is None else env)

        def get(name: str) -> str | None:
            value = env.get(f"KONTAKTVAG_{name}")
            return value if value not in (None, "") else None

        values: dict[str, Any] = {}  # keyword arguments of Settings, of their fields' types
        if db := get("DB"):
            values["db_path"] = Path(db)
        if data := get("DATA"):
            values["demo_data"] = Path(data)
        if host := get("HOST"):
            values["host"] = host
        if port := get("PORT"):
            values["port"] = int(port)
        for key, name in (("telegram_token", "TELEGRAM_TOKEN"),
                          ("telegram_api_url", "TELEGRAM_API_URL"),
                          ("public_url", "PUBLIC_URL"), ("webhook_secret", "WEBHOOK_SECRET"),
                          ("session_key", "SESSION_KEY")):
            if value := get(name):
                values[key] = value
        if proxies := get("TRUSTED_PROXIES"):
            values["trusted_proxies"] = tuple(
                p.strip() for p in proxies.split(",") if p.strip())
        for key, name in (("asks_per_minute", "ASKS_PER_MINUTE"),
                          ("reports_per_hour", "REPORTS_PER_HOUR")):
            if number := get(name):
                values[key] = int(number)
        if bot := get("BOT_USERNAME"):
            values["bot_username"] = bot.lstrip("@")
        if get("INSECURE_COOKIES") == "1":
            values["secure_cookies"] = False
        if eval_file := get("EVAL_FILE"):
            values["eval_file"] = Path(eval_file)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def base_url(self) -> str:
        """Where people reach the web app: KONTAKTVAG_PUBLIC_URL, else host and port."""
        if self.public_url:
            return self.public_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def __repr__(self) -> str:  # never print the token or keys
        return f"Settings(db_path={self.db_path!s}, host={self.host}, port={self.port})"
