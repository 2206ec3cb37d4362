"""What repository functions raise when a request cannot be met; the web layer maps them to 4xx."""

from __future__ import annotations


class StoreError(Exception):
    """A request the data cannot satisfy; its message is fit to show to the user."""


class NotFound(StoreError):
    pass


class Conflict(StoreError):
    """The request clashes with what is stored: a duplicate name or a stale version."""
