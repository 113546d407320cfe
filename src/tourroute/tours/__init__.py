"""The tour catalogue: tours run by agencies or by a province's tourism department.

A tour is a stored plan (days → ordered stops at published sites → routed legs) in the same
document shape as a composed itinerary, so the itinerary exports serve it unchanged; its
metadata (themes, operator, vehicle, price) is indexed for search; every saved version is
kept whole in ``tour_versions``.
"""
