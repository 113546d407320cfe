"""The base map, offline: vector tiles from the shipped PMTiles archive, our style, our glyphs."""
