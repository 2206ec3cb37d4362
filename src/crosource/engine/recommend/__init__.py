"""Assess and recommend: relationship and delivery model per program and per (study, function)."""
