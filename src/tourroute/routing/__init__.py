"""Pure routing library: road graph, vehicle profiles, snapping and shortest paths.

Imports neither FastAPI nor SQLAlchemy: the service feeds it :class:`Segment` records and
gets plain dataclasses back, so it can be tested and benchmarked on any network.
"""

from tourroute.routing.graph import RoadGraph, Segment, build_graph
from tourroute.routing.profiles import PROFILES, Preference, Vehicle, VehicleProfile
from tourroute.routing.route import NoRoute, Route, route
from tourroute.routing.snap import Snap, SnapError

__all__ = [
    "PROFILES",
    "NoRoute",
    "Preference",
    "RoadGraph",
    "Route",
    "Segment",
    "Snap",
    "SnapError",
    "Vehicle",
    "VehicleProfile",
    "build_graph",
    "route",
]
