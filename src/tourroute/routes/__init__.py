"""Routes over the stored network: A→B with vias and alternatives, matrices, reachability;
the in-memory graph they share and the one leg builder itineraries and tours use."""
