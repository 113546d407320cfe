"""Offline packs of a trip: its plan, its sites and the base map along its roads, in one zip."""
