"""The sign-in throttle: every attempt is counted in the database before its password is checked,
under three keys, so that the limits hold however many requests or processes there are.

Policy (an assumption, documented in docs/web.md), each within the same window (15 minutes by
default):

- one email from one source address: 5 attempts (`CROSOURCE_LOGIN_ATTEMPTS`), the guessing limit;
- one source address, whatever the emails: 30, so that one address cannot try many accounts;
- one email, from all addresses together: 50, so that only many addresses together can lock an
  account out, and then only until the window ends.

The keys are counted in that order and an attempt refused by one is not counted by the next: a
stranger's address adds at most 5 to an email's count, so the owner of the email can still sign
in from their own address. A successful sign-in clears its email's and its pair's counts and
gives back its place in the address's count.

The source address is the client address of the connection (`request.client.host`); behind a
reverse proxy, start uvicorn with `--forwarded-allow-ips` set to the proxy's address, or every
user would share the proxy's count.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from crosource.store import sign_in_counters as counters
from crosource.store.tables import User, utcnow
from crosource.store.users import EMAIL, authenticate


@dataclass(frozen=True)
class Policy:
    per_pair: int
    per_address: int
    per_email: int
    window_seconds: int


class Throttled(Exception):
    """Too many attempts: the caller must wait this many seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many sign-in attempts; try again in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Keys:
    pair: str
    address: str
    email: str


def keys_of(email: str, address: str) -> Keys:
    email = email.strip().lower()
    if not EMAIL.match(email) or len(email) > 254:
        # Never an account; a digest keeps junk (NUL, huge strings) out of the table.
        email = "#" + hashlib.sha256(email.encode()).hexdigest()
    address = address[:64]
    return Keys(f"pair:{email}|{address}", f"address:{address}", f"email:{email}")


def source_address(request: Request) -> str:
    return request.client.host if request.client is not None else "unknown"


def _admit(factory: sessionmaker[Session], policy: Policy, keys: Keys) -> None:
    """Count the attempt, or refuse it; the counts are committed before any password check."""
    wait = 0
    with factory.begin() as db:
        for key, limit in (
            (keys.pair, policy.per_pair),
            (keys.address, policy.per_address),
            (keys.email, policy.per_email),
        ):
            attempts, start = counters.count_attempt(
                db, key=key, window_seconds=policy.window_seconds
            )
            if attempts > limit:
                ends = start + timedelta(seconds=policy.window_seconds)
                wait = max(1, math.ceil((ends - utcnow()).total_seconds()))
                break  # the next keys do not count a refused attempt
    if wait:
        raise Throttled(wait)


def sign_in(request: Request, db: Session, *, email: str, password: str) -> User | None:
    """The user whose password this is, or None; raises Throttled before checking it when the
    attempt is over a limit. The caller commits (a rehashed password)."""
    factory: sessionmaker[Session] = request.app.state.sessions
    policy: Policy = request.app.state.throttle
    keys = keys_of(email, source_address(request))
    _admit(factory, policy, keys)
    user = authenticate(db, email=email, password=password)
    if user is not None:
        with factory.begin() as counted:
            counters.clear(counted, keys=[keys.pair, keys.email])
            counters.give_back(counted, key=keys.address)
            counters.sweep(counted, window_seconds=policy.window_seconds)
    return user
