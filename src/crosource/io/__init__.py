"""Readers and writers for portfolio files: YAML, JSON and Excel."""
