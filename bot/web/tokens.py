"""Personal API tokens for the web's pages and the API's sign-in: the store keeps them
(directory/store/tokens.py, only their SHA-256 hash); these go through the service."""

from __future__ import annotations

from directory.accounts import User
from directory.service import DirectoryService


async def create(service: DirectoryService, user: User, name: str) -> str:
    """A new token for the user; the clear text is returned once and never stored."""
    return await service.create_token(user, name)


async def count_active(service: DirectoryService, user: User) -> int:
    return await service.count_tokens(user)


async def list_for(service: DirectoryService, user: User) -> list[dict]:
    return await service.tokens_of(user)


async def revoke(service: DirectoryService, user: User, token_id: int) -> bool:
    return await service.revoke_token(user, token_id)


async def user_for(service: DirectoryService, token: str) -> User | None:
    """The active user a token belongs to, or None (remembered: see Tokens.user_for)."""
    return await service.user_for_token(token)
