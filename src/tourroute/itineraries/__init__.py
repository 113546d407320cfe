"""Itineraries: compose multi-day tours from sites with the planner, store and export them."""
