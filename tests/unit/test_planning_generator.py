"""The instance generator: deterministic text the TOPTW parser reads, the promised shapes
(sizes, layouts, windows), plans that pass the checker and stay under the bound."""

from __future__ import annotations

import math

import pytest

from tourroute.planning import PlanningError, check_solution, solve
from tourroute.planning.generator import (
    HORIZON,
    SUITE,
    generate,
    generate_text,
    upper_bound,
)


def _points(n: int, kind: str, seed: int) -> list[tuple[float, float]]:
    inst = generate(n, kind=kind, seed=seed)  # type: ignore[arg-type]  # kind: a Literal, str here
    return [inst.coords[s.id] for s in inst.problem.stops]


def _mean_nearest(points: list[tuple[float, float]]) -> float:
    return sum(
        min(math.dist(p, q) for j, q in enumerate(points) if j != i) for i, p in enumerate(points)
    ) / len(points)


def test_same_arguments_same_text_and_seed_matters() -> None:
    a = generate_text(120, kind="mixed", windows="loose", seed=7)
    assert a == generate_text(120, kind="mixed", windows="loose", seed=7)
    assert a != generate_text(120, kind="mixed", windows="loose", seed=8)
    assert a.splitlines()[0] == "5 1 120 4"
    assert len(a.splitlines()) == 123


@pytest.mark.parametrize(("n", "kind", "windows", "m", "seed"), SUITE)
def test_suite_instances_parse_with_the_promised_shape(
    n: int, kind: str, windows: str, m: int, seed: int
) -> None:
    inst = generate(n, m, kind=kind, windows=windows, seed=seed)  # type: ignore[arg-type]  # Literals
    p = inst.problem
    assert p.n_stops == n
    assert len(p.days) == m
    assert p.name == f"gen-{n}-{kind}-{windows}-s{seed} m={m}"
    assert all(-100 <= c <= 100 for xy in inst.coords.values() for c in xy)
    for s in p.stops:
        assert 1 <= s.score <= 25
        assert 1 <= s.service_s <= 25
        ((open_s, close_s),) = s.windows_on(0) or ((0.0, 0.0),)
        assert 0 <= open_s <= close_s <= HORIZON
    widths = [w[0][1] - w[0][0] - s.service_s for s in p.stops if (w := s.windows_on(0))]
    if windows == "loose":  # loose windows are wider than any tight one (before the cut)
        assert max(widths) > 180
    else:
        assert max(widths) <= 180


def test_clustered_customers_are_closer_together_than_random_ones() -> None:
    clustered = _mean_nearest(_points(200, "clustered", 3))
    mixed = _mean_nearest(_points(200, "mixed", 3))
    uniform = _mean_nearest(_points(200, "random", 3))
    assert clustered < mixed < uniform


def test_a_generated_instance_solves_feasibly_under_its_bound() -> None:
    inst = generate(60, 2, kind="clustered", windows="tight", seed=4)
    sol = solve(inst.problem, seed=0, iterations=300)
    assert check_solution(inst.problem, sol) == []
    assert 0 < sol.score <= upper_bound(inst) <= sum(s.score for s in inst.problem.stops)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "at least one customer"),
        ({"n": 10, "kind": "ring"}, "unknown layout 'ring'"),
        ({"n": 10, "windows": "none"}, "unknown windows 'none'"),
    ],
)
def test_bad_generator_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PlanningError, match=message):
        generate_text(**kwargs)  # type: ignore[arg-type]  # deliberately wrong arguments
