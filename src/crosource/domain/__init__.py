"""Typed, validated domain objects. No I/O, no database."""
