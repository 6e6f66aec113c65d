"""Fresh, uniquely named accounts and simulated people on one homeserver."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path

from . import admin
from .admin import Account, Admin
from .homeserver import Homeserver
from .person import Person

_serial = itertools.count(1)


def unique_localpart(role: str) -> str:
    """`role` plus a short unique suffix, valid as a Matrix localpart (lowercase)."""
    return f"{role.lower()}-{next(_serial)}-{uuid.uuid4().hex[:6]}"


class Users:
    """Registers accounts and starts Persons on `server`; closes every Person at the end."""

    def __init__(self, server: Homeserver, store_root: Path) -> None:
        self.server = server
        self.store_root = store_root
        self.people: list[Person] = []

    async def account(self, role: str = "user", admin_user: bool = False) -> Account:
        """Register a new account (shared-secret API); nothing logs in yet."""
        return await admin.register(self.server, unique_localpart(role), admin=admin_user)

    async def person(self, role: str = "newcomer", max_limit_exceeded: int | None = 0) -> Person:
        """A new account, logged in with its own device and e2e store, keys uploaded."""
        account = await self.account(role)
        person = Person(
            self.server.base_url,
            account,
            self.store_root / account.localpart,
            max_limit_exceeded=max_limit_exceeded,
        )
        self.people.append(person)
        return await person.start()

    async def admin(self) -> Admin:
        """An Admin API client for a fresh server-admin account."""
        return Admin(self.server, await self.account("admin", admin_user=True))

    async def aclose(self) -> None:
        """Close every Person's HTTP session (their stores stay for inspection)."""
        for person in self.people:
            await person.close()

    async def __aenter__(self) -> Users:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
