"""The Telegram front end: python-telegram-bot v22 inside the aiohttp app."""
