"""Vehicle profiles: legal speeds by road class and the rules each vehicle must obey.

Legal maxima outside residential areas come from Circular 38/2024/TT-BGTVT (in force
1 Jan 2025; table in ``shared/data/region/geo-facts.md`` §4.2): passenger cars ≤ 28 seats
90 km/h on dual carriageways and 80 on two-way roads; passenger vehicles > 28 seats 80/70;
motorcycles 70/60.  Expressways: at most 120 km/h, or the posted/design limit of the
section.  Motorcycles are barred from expressways by Law 36/2024/QH15 Art. 25(3).

A motorhome has no class of its own; we treat it like a goods vehicle over 3.5 t (80/70)
— an interpretation, not a ruling — and keep it off segments flagged motorhome-unsuitable.
"Caravan" is not a vehicle here: in Vietnam a *caravan* tour ("tour du lịch tự lái xe
(caravan)") is a self-drive convoy of private cars, sometimes with motorbikes — see
``tourroute.routing.convoy``.  Until 2026-12 ``caravan`` named the motorhome profile; the
name is retired (:data:`RETIRED_VEHICLES` says what to use instead).

Residential streets, living streets and service roads lie inside residential areas, where
the same Circular allows at most 50 km/h on a two-way road to every vehicle here (60 on a
dual carriageway, which these lanes are not).  Tracks (farm and forest tracks, always
unpaved) are open only to a profile that allows them: the motorbike, at a quarter of its
two-way limit (15 km/h); every other vehicle may not use them at all.

Legal maxima are not travel speeds: ``typical_share`` scales them by road class to the
average speed actually achieved in mixed Vietnamese traffic (an editorial estimate).  A car
makes 25 km/h on a residential street, 15 on a living street and 20 on a service road,
against 44 on a tertiary road.

>>> PROFILES[Vehicle.motorbike].speed_kph("motorway", None) is None
True
>>> PROFILES[Vehicle.car].speed_kph("trunk", None)
63.0
>>> car, motorbike = PROFILES[Vehicle.car], PROFILES[Vehicle.motorbike]
>>> car.speed_kph("tertiary", None), car.speed_kph("residential", None)
(44.0, 25.0)
>>> car.speed_kph("track", None) is None, motorbike.speed_kph("track", None)
(True, 15.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from tourroute.i18n import Message
from tourroute.i18n import messages as msgs

__all__ = [
    "PROFILES",
    "RETIRED_VEHICLES",
    "ROAD_CLASSES",
    "Preference",
    "Vehicle",
    "VehicleProfile",
]

ROAD_CLASSES = (
    "motorway",
    "trunk",
    "primary",
    "secondary",
    "tertiary",
    "unclassified",
    "residential",
    "living_street",
    "service",
    "track",
)
_DUAL = {"motorway", "trunk"}  # usually dual carriageways; the rest two-way roads
_RESIDENTIAL = {"residential", "living_street", "service"}  # inside residential areas


class Vehicle(StrEnum):
    car = "car"
    coach = "coach"
    motorbike = "motorbike"
    motorhome = "motorhome"


# Vehicle names no longer accepted, with what to send instead (shown in the 422).
RETIRED_VEHICLES: dict[str, Message] = {"caravan": msgs.VEHICLE_CARAVAN_RETIRED()}


class Preference(StrEnum):
    fastest = "fastest"
    shortest = "shortest"
    scenic = "scenic"


@dataclass(frozen=True)
class VehicleProfile:
    vehicle: Vehicle
    dual_kph: float
    two_way_kph: float
    expressway_kph: float | None  # None: may not use expressways at all
    avoids_motorhome_unsuitable: bool = False
    residential_kph: float = 50  # two-way road inside a residential area (TT38)
    allows_tracks: bool = False  # farm and forest tracks (unpaved)
    typical_share: dict[str, float] = field(
        default_factory=lambda: {
            "motorway": 0.85,
            "trunk": 0.70,
            "primary": 0.65,
            "secondary": 0.60,
            "tertiary": 0.55,
            "unclassified": 0.45,
            "residential": 0.50,  # of the 50 km/h residential-area limit
            "living_street": 0.30,
            "service": 0.40,
            "track": 0.25,  # of the two-way limit, where a profile allows tracks at all
        }
    )

    def speed_kph(self, road_class: str, maxspeed_kph: float | None) -> float | None:
        """Typical speed on a road of this class, or ``None`` if the vehicle may not use it.

        The legal maximum for the class (expressway, dual carriageway or two-way road),
        lowered to the posted limit if there is one, scaled by ``typical_share`` to what
        traffic actually achieves.  Residential streets, living streets and service roads
        take the residential-area limit.

        Parameters
        ----------
        road_class
            One of :data:`ROAD_CLASSES`; ``motorway`` means an expressway.  An unknown
            class is treated as a two-way road with the ``unclassified`` share.
        maxspeed_kph
            The posted limit in km/h, or ``None`` (or 0) for none.

        Returns
        -------
        float or None
            km/h, rounded to 0.1; ``None`` on an expressway for a vehicle barred from them
            (motorbikes), and on a track for a vehicle that may not use tracks (all but
            motorbikes).
        """
        if road_class == "motorway":
            if self.expressway_kph is None:
                return None
            legal = self.expressway_kph
        elif road_class == "track" and not self.allows_tracks:
            return None
        elif road_class in _DUAL:
            legal = self.dual_kph
        elif road_class in _RESIDENTIAL:
            legal = self.residential_kph
        else:
            legal = self.two_way_kph
        if maxspeed_kph:
            legal = min(legal, maxspeed_kph)
        return round(legal * self.typical_share.get(road_class, 0.45), 1)


PROFILES: dict[Vehicle, VehicleProfile] = {
    Vehicle.car: VehicleProfile(Vehicle.car, 90, 80, 120),
    Vehicle.coach: VehicleProfile(Vehicle.coach, 80, 70, 100),
    Vehicle.motorbike: VehicleProfile(Vehicle.motorbike, 70, 60, None, allows_tracks=True),
    Vehicle.motorhome: VehicleProfile(
        Vehicle.motorhome, 80, 70, 90, avoids_motorhome_unsuitable=True
    ),
}
