"""Entry point: ``python -m benchmarks [section ...]`` (sections: sites)."""

from __future__ import annotations

import sys

from benchmarks import sites

SECTIONS = {"sites": sites.main}


def main(argv: list[str]) -> int:
    chosen = argv or list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        print(f"unknown section(s) {unknown}; known: {sorted(SECTIONS)}", file=sys.stderr)
        return 2
    for name in chosen:
        SECTIONS[name]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
