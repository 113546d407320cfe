"""OGC API – Features (Part 1: Core, GeoJSON, OpenAPI 3.0) over the published catalogue.

``collections`` is the registry of feature collections and their queries, ``documents``
builds the standard's resource shapes, ``router`` is the HTTP surface at ``/ogc``.
"""
