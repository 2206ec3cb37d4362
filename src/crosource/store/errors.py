"""What repository functions raise when a request cannot be met; the web layer maps them to 4xx."""

from __future__ import annotations


class StoreError(Exception):
    """A request the data cannot satisfy; its message is fit to show to the user."""


class NotFound(StoreError):
    pass


class Conflict(StoreError):
    """The request clashes with what is stored: a duplicate name or a stale version."""


class Invalid(StoreError):
    """A value the database cannot hold or the domain does not allow."""


def check_text(value: str, what: str, max_length: int) -> str:
    """The value stripped; refused when empty, too long or holding control characters (NUL
    cannot be stored in PostgreSQL text at all)."""
    value = value.strip()
    if not value:
        raise Invalid(f"{what} cannot be empty")
    if len(value) > max_length:
        raise Invalid(f"{what} has at most {max_length} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise Invalid(f"{what} cannot hold control characters")
    return value
