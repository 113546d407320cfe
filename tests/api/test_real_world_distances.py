"""Real-world sanity of car distances on the seeded road network, on both backends.

Each row pairs two endpoints with a published road distance: the figure, the source it comes
from and (in a comment) the quoted sentence, abbreviated. Our fastest car route must come
within 10 % of it. Sources, straight-line distances and the full comparison table, including
the pairs that fail and why, are in ``seed/roads/real-world-distances.md``.

City centres are the seeded city-landmark sites: Lam Sơn Square (Thanh Hóa), Hồ Chí Minh
Square (Vinh) and the Hà Tĩnh city point (vi.wikipedia infobox). Hồng Lĩnh town is its
vi.wikipedia infobox coordinate (also in the reference data, geo-facts §2).

Pairs more than 10 % off are kept as strict xfails, each with its reason; nothing here was
tuned to pass. TH ↔ Sầm Sơn (published 16 km, ours 17.6 km, +10.05 %) is not in the table: it
sits on the boundary, so a strict xfail would flip on a few metres of geometry; it is
reported in the markdown instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

TOLERANCE = 0.10

THANH_HOA = "quang-truong-lam-son"
VINH = "quang-truong-hcm-vinh"
HA_TINH = "ha-tinh-city"
HONG_LINH = "105.701909,18.5342383"  # vi.wikipedia "Hồng Lĩnh" infobox


@dataclass(frozen=True)
class RealDistance:
    origin: str
    destination: str
    real_km: float
    source: str


def _xfail(reason: str) -> pytest.MarkDecorator:
    return pytest.mark.xfail(strict=True, reason=reason)


CASES = [
    # "Leg No. 3: Thanh Hóa-Vinh (138 km) … head South on Highway 1A"
    pytest.param(RealDistance(THANH_HOA, VINH, 138, "xedapxuyenviet.com"), id="thanh-hoa--vinh"),
    # "It is located on National Highway 1A. … Vinh is located 50 km to the north"
    pytest.param(RealDistance(VINH, HA_TINH, 50, "en.wikipedia Hà Tĩnh"), id="vinh--ha-tinh"),
    # Derived, no single page found: 138 km (Thanh Hóa–Vinh) + 50 km (Vinh–Hà Tĩnh), both on
    # QL1A, which runs through Vinh.
    pytest.param(
        RealDistance(THANH_HOA, HA_TINH, 188, "sum of the two rows above"),
        id="thanh-hoa--ha-tinh",
    ),
    # "Cách thành phố Thanh Hóa hơn 50km về phía tây (theo quốc lộ 47) … Lam Kinh"
    pytest.param(
        RealDistance(THANH_HOA, "lam-kinh", 50, "dulich4phuong.net"), id="thanh-hoa--lam-kinh"
    ),
    # "cách trung tâm thành phố Thanh Hóa khoảng 130km về phía Tây Bắc" (Pù Luông)
    pytest.param(
        RealDistance(THANH_HOA, "pu-luong", 130, "diadiemthanhhoa.com"),
        id="thanh-hoa--pu-luong",
    ),
    # "nằm cách thành phố Vinh khoảng 15km theo quốc lộ 46" (Kim Liên)
    pytest.param(RealDistance(VINH, "kim-lien", 15, "vtcnews.vn"), id="vinh--kim-lien"),
    # "Pu Mat National Park is located in … Con Cuong … about 130km from Vinh City"
    pytest.param(RealDistance(VINH, "pu-mat", 130, "pumat.vn"), id="vinh--pu-mat"),
    # "cách … thành phố Hà Tĩnh 35 km về phía bắc theo Quốc lộ 1" (Hồng Lĩnh town centre)
    pytest.param(
        RealDistance(HA_TINH, HONG_LINH, 35, "vi.wikipedia Hồng Lĩnh"), id="ha-tinh--hong-linh"
    ),
    # "cách trung tâm Hà Tĩnh khoảng 50km … theo Quốc lộ 1A, qua cầu Bến Thủy" (Tiên Điền)
    pytest.param(
        RealDistance(HA_TINH, "nguyen-du", 50, "vietnamtravellog.vn"), id="ha-tinh--nguyen-du"
    ),
    # "approximately 45 kilometers from Thanh Hoa city center" (Ho Citadel)
    pytest.param(
        RealDistance(THANH_HOA, "thanh-nha-ho", 45, "vietnamairlines.com"),
        id="thanh-hoa--thanh-nha-ho",
        marks=_xfail(
            "ours 51.0 km (+13 %): the fastest car route detours QL45 → CT.01 (Đông Xuân → "
            "Hà Lĩnh interchanges) → QL217, one minute faster in our speed model; the QL45 "
            "road the sources describe is 44.6 km in the seed (avoid=expressway)"
        ),
    ),
    # "The park is about 46 kilometres (29 mi) southwest of Thanh Hoa City" (Bến En)
    pytest.param(
        RealDistance(THANH_HOA, "ben-en", 46, "en.wikipedia Bến En NP"),
        id="thanh-hoa--ben-en",
        marks=_xfail(
            "ours 56.8 km (+24 %): the site point (park infobox coordinate, in the forest) is "
            "3.4 km from any seeded road and snaps to a road west of the lake that the route "
            "reaches by circling north of it; the fastest route also runs 24 km on CT.01 "
            "(52.5 km with avoid=expressway, still +14 %)"
        ),
    ),
    # "Cua Lo Beach is located in Cua Lo town, 16 km northeast of Vinh city"
    pytest.param(
        RealDistance(VINH, "cua-lo-beach", 16, "baonghean.vn/en"),
        id="vinh--cua-lo",
        marks=_xfail(
            "ours 18.8 km (+17 %): the route goes north on QL46 past the airport; through the "
            "Vinh–Cửa Lò boulevard (open since Aug 2024; local-0460 + local-0460a) it is 19.2 km, "
            "because the beach point (estimated, between the port and Cửa Hội) lies 3–4 km north "
            "of where the boulevard reaches the coast; a sourced beach/town point is needed"
        ),
    ),
    # "Bãi biển cách Thành phố Hà Tĩnh 20 km về phía Đông Nam theo Quốc lộ 1" (Thiên Cầm)
    pytest.param(
        RealDistance(HA_TINH, "thien-cam", 20, "vi.wikipedia Bãi biển Thiên Cầm"),
        id="ha-tinh--thien-cam",
        marks=_xfail(
            "ours 28.9 km (+44 %): QL1A to Cẩm Xuyên, then the road to Thiên Cầm and the "
            "constructed ĐT547 stand-in (coast-0004, now joined to that road at Thiên Cầm) to "
            "the beach point. The published 20 km is below the 21.8 km straight line between "
            "the endpoints, so it is not a road distance between them"
        ),
    ),
    # "Trung tâm thị xã cách thành phố Vinh 15 km về phía nam" (Hồng Lĩnh)
    pytest.param(
        RealDistance(VINH, HONG_LINH, 15, "vi.wikipedia Hồng Lĩnh"),
        id="vinh--hong-linh",
        marks=_xfail(
            "ours 17.7 km (+18 %) along QL1A over Bến Thủy bridge; the published 15 km equals "
            "the 15.1 km straight line between the two centres, so it is not a centre-to-centre "
            "road distance (probably from the city's southern edge)"
        ),
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_car_route_is_within_10_percent_of_the_real_road_distance(
    client: TestClient, case: RealDistance
) -> None:
    response = client.get("/v1/routes", params={"from": case.origin, "to": case.destination})
    assert response.status_code == 200, response.text
    ours_km = response.json()["routes"][0]["distance_m"] / 1000
    diff = (ours_km - case.real_km) / case.real_km
    assert abs(diff) <= TOLERANCE, (
        f"{case.origin} → {case.destination}: ours {ours_km:.1f} km, "
        f"{case.source} {case.real_km:g} km ({diff:+.1%})"
    )
