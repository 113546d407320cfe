"""Entry point: ``python -m benchmarks [--quick] [section ...]``; sections: see SECTION_NAMES
(run by default) and OPT_IN (run only when named: ``python -m benchmarks catalogue``).

``python -m benchmarks planning --part published …``: options after ``planning`` go to that
benchmark (see ``benchmarks/planning.py``).  ``--quick`` (or ``BENCH_QUICK=1``) shrinks
every section to a smoke-test size; explicit ``BENCH_*`` sizes still win.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

SECTION_NAMES = ("sites", "routing", "planning", "graph", "full", "accuracy")
# Minutes long, starts servers and installs tipg into .venv-bench/: only when asked for.
OPT_IN = ("catalogue",)
QUICK_DEFAULTS = {"BENCH_SYNTHETIC_SITES": "2000", "BENCH_REPEAT": "50"}


def _section(name: str) -> Callable[[], None]:
    # Imported on demand: a section reads its sizes from the environment at import time.
    if name == "sites":
        from benchmarks import sites

        return sites.main
    if name == "catalogue":
        from benchmarks import catalogue

        def run_catalogue() -> None:
            catalogue.main([])  # reads BENCH_QUICK itself

        return run_catalogue
    if name == "accuracy":
        from benchmarks import accuracy

        def run_accuracy() -> None:
            # --quick: the seed network only (the full network's import and graph take minutes).
            quick = os.environ.get("BENCH_QUICK") == "1"
            accuracy.main(["--seed-only"] if quick else [])

        return run_accuracy
    if name == "graph":
        from benchmarks import graph_lifecycle

        return graph_lifecycle.main
    if name == "full":
        from benchmarks import full_network

        return full_network.main
    if name == "planning":
        from benchmarks import planning

        quick = os.environ.get("BENCH_QUICK") == "1"
        return lambda: planning.main(["--quick"] if quick else [])
    from benchmarks import routing

    return routing.main


def main(argv: list[str]) -> int:
    if argv[:1] == ["planning"] and len(argv) > 1:
        # ``python -m benchmarks planning --part published …``: its own options (the form
        # the planning README and module documents), handed on as they are
        from benchmarks import planning

        planning.main(argv[1:])
        return 0
    quick = "--quick" in argv
    chosen = [a for a in argv if a != "--quick"] or list(SECTION_NAMES)
    unknown = [s for s in chosen if s not in SECTION_NAMES + OPT_IN]
    if unknown:
        known = sorted(SECTION_NAMES + OPT_IN)
        print(f"unknown section(s) {unknown}; known: {known}", file=sys.stderr)
        return 2
    if quick or os.environ.get("BENCH_QUICK") == "1":
        os.environ["BENCH_QUICK"] = "1"
        for key, value in QUICK_DEFAULTS.items():
            os.environ.setdefault(key, value)
    for name in chosen:
        _section(name)()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
