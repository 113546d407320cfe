"""Exports of a plan (:class:`tourroute.plans.Plan`), for itineraries and tours alike.

* :mod:`~tourroute.exports.geojson` — a FeatureCollection for maps;
* :mod:`~tourroute.exports.gpx` — GPX 1.1 for GPS units;
* :mod:`~tourroute.exports.ical` — iCalendar for calendars;
* :mod:`~tourroute.exports.jsonld` — schema.org ``TouristTrip`` (tours);
* :mod:`~tourroute.exports.http` — how the routers answer with them (ETag, 304, OpenAPI).

Every export is built from the stored plan document, validated at the boundary
(``Plan.model_validate``), so it always matches what the API answered, whatever happened to
the network since.
"""
