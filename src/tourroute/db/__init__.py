"""Persistence: engine, sessions, base model and the spatial helpers for both backends."""
