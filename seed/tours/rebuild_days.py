"""Rewrite the catalogue days of seed/tours/promoted.yaml from the composer's plans.

The promoted tours' `request` blocks are what the composer plans; their `catalogue.days`
are what agencies see in the catalogue.  This script composes every request on a scratch
SpatiaLite database built from this seed (migrations + `seed load`) and writes the plan's
days back as catalogue days — visits with their planned arrival and departure, the day's
start time, and the night's place to stay — so the catalogue and the composer agree.
Fuel/regroup stops and meals stay in the composed itinerary (GET /v1/itineraries/{id}),
not in the catalogue's days, which list visits.

Run from the repository root after changing a request or the seed:

    .venv/bin/python seed/tours/rebuild_days.py

then review the diff of seed/tours/promoted.yaml.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from tourroute.app import create_app
from tourroute.config import Settings

ROOT = Path(__file__).resolve().parents[2]
PROMOTED = ROOT / "seed" / "tours" / "promoted.yaml"


def _hhmm(iso: str) -> str:
    return iso[11:16]


def _catalogue_days(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The plan's days as catalogue days (see tourroute.tours.plan for their rules)."""
    out: list[dict[str, Any]] = []
    carried: dict[str, Any] | None = None  # a multi-day visit going on into this day
    for day in plan["days"]:
        stops: list[dict[str, Any]] = []
        start = day["start"]
        first_drive = start["departure"]
        going_on = carried is not None
        if carried is not None:
            # The visit resumes where the day starts: no drive, only its end time.
            stops.append({"site": carried["site"], "depart": _hhmm(carried["departure"])})
            carried = None
        elif (
            day["day"] == 1
            and start.get("site")
            and (not day["stops"] or day["stops"][0]["site"] != start["site"])
        ):
            # Day 1 starts at its first stop: the start site is that stop.
            stops.append({"site": start["site"], "depart": _hhmm(start["departure"])})
        for stop in day["stops"]:
            entry = {"site": stop["site"], "arrive": _hhmm(stop["arrival"])}
            if stop["departure"][:10] != day["date"]:  # the visit goes on the next day
                entry["depart"] = "18:00"
                carried = stop
            else:
                entry["depart"] = _hhmm(stop["departure"])
            stops.append(entry)
        end = day["end"]
        last = plan["days"][-1] is day
        if last and end.get("site") and (not stops or stops[-1]["site"] != end["site"]):
            # The tour ends at its end site (a loop back to the start, say).
            stops.append(
                {
                    "site": end["site"],
                    "arrive": _hhmm(end["arrival"]),
                    "depart": _hhmm(end["arrival"]),
                }
            )
        written: dict[str, Any] = {"stops": stops}
        if day["overnight"] and day["overnight"]["site"] not in {s["site"] for s in stops[-1:]}:
            written["overnight"] = day["overnight"]["site"]
        departure = datetime.fromisoformat(first_drive).strftime("%H:%M")
        if going_on:
            departure = plan["request_day_start"]
        if departure != "08:00":
            written["start_time"] = departure
        out.append(written)
    return out


def _dump_days(days: list[dict[str, Any]]) -> str:
    lines = ["      days:"]
    for day in days:
        head = "        - "
        if "start_time" in day:
            lines.append(f'{head}start_time: "{day["start_time"]}"')
            head = "          "
        lines.append(f"{head}stops:")
        for stop in day["stops"]:
            times = "".join(
                f', {k}: "{stop[k]}"' for k in ("arrive", "depart") if stop.get(k) is not None
            )
            lines.append(f"            - {{site: {stop['site']}{times}}}")
        if day.get("overnight"):
            lines.append(f"          overnight: {day['overnight']}")
    return "\n".join(lines) + "\n"


def main() -> int:
    tours = yaml.safe_load(PROMOTED.read_text(encoding="utf-8"))["tours"]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/rebuild.db"
        env = os.environ | {"TOURROUTE_DATABASE_URL": url}
        for args in (["db", "upgrade"], ["seed", "load"]):
            subprocess.run(  # noqa: S603 - our own interpreter and CLI
                [sys.executable, "-m", "tourroute.cli", *args], check=True, env=env, cwd=ROOT
            )
        text = PROMOTED.read_text(encoding="utf-8")
        with TestClient(create_app(Settings(database_url=url))) as client:
            for tour in tours:
                response = client.post("/v1/itineraries", json=tour["request"])
                if response.status_code != 201:
                    print(f"{tour['slug']}: {response.text}", file=sys.stderr)
                    return 1
                plan = response.json()
                plan["request_day_start"] = str(tour["request"].get("day_start", "08:00"))[:5]
                block = _dump_days(_catalogue_days(plan))
                begin = text.index(f"  - slug: {tour['slug']}\n")
                days_at = text.index("      days:\n", begin)
                end = text.find("\n  - slug: ", days_at)
                end = len(text) if end < 0 else end + 1
                text = text[:days_at] + block + text[end:]
                print(f"{tour['slug']}: {len(tour['request'])} request fields, days rewritten")
    PROMOTED.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
