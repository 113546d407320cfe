"""No module of ``tourroute`` imports itself back through others.

The layers contract of ``lint-imports`` (pyproject.toml) keeps packages from importing
upwards; this keeps modules *inside* a package from forming loops too (a loop hidden in a
function-level or ``TYPE_CHECKING`` import counts: grimp sees both).
"""

from __future__ import annotations

import grimp
import networkx as nx


def test_no_module_imports_itself_back() -> None:
    graph = grimp.build_graph("tourroute")
    imports = nx.DiGraph(
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported.startswith("tourroute")
    )
    loops = [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1]
    assert loops == []
