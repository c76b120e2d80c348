"""The aiohttp application's state as typed keys: the host (bot/server.py) sets them, the
adapters (bot/web/, bot/telegram/) read them. A module of its own so that the adapters
never import the host, which imports them."""

from __future__ import annotations

from aiohttp import web

from bot.engine import Engine
from bot.settings import Settings
from directory.rebuild import ModelBuilder
from directory.service import DirectoryService

SETTINGS = web.AppKey("settings", Settings)
SERVICE = web.AppKey("service", DirectoryService)
ENGINE = web.AppKey("engine", Engine)
MODEL_BUILDER = web.AppKey("model_builder", ModelBuilder)

__all__ = ["ENGINE", "MODEL_BUILDER", "SERVICE", "SETTINGS"]
