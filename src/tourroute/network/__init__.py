"""The road network as stored: segments, the named corridors they belong to."""
