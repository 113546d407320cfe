"""The planning modules import each other without a loop (not even a lazy one)."""

from __future__ import annotations

import grimp
import networkx as nx


def test_no_import_cycle_between_planning_modules() -> None:
    graph = grimp.build_graph("tourroute")
    planning = [m for m in graph.modules if m.startswith("tourroute.planning")]
    imports = nx.DiGraph(
        (m, i)
        for m in planning
        for i in graph.find_modules_directly_imported_by(m)
        if i.startswith("tourroute.planning")
    )
    assert [c for c in nx.strongly_connected_components(imports) if len(c) > 1] == []
