"""The one way a router reaches the road graphs the app shares: ``graphs: Graphs``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tourroute.routes.graph_cache import GraphCache

__all__ = ["Graphs", "get_graph_cache"]


# async: a plain ``def`` dependency costs a thread-pool round trip on every request.
async def get_graph_cache(request: Request) -> GraphCache:
    """The app's :class:`GraphCache` (built in ``create_app``, shared by its requests)."""
    cache: GraphCache = request.app.state.graph_cache
    return cache


Graphs = Annotated[GraphCache, Depends(get_graph_cache)]
