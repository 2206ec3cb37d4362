"""Pure computation on domain objects: no web, database or file code."""
