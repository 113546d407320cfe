"""Structured logs: one JSON object per line, each carrying the request id it belongs to.

The request id lives in a context variable set by the edge middleware, so every log line
written while a request is handled (the access line, a warning from a service, an error
handler's traceback) can be joined to the others and to the client's ``X-Request-ID``.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.core import RESERVED_ATTRS

REQUEST_ID: ContextVar[str | None] = ContextVar("tourroute_request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``None`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def log_config(log_format: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` document for the service and uvicorn alike."""
    if log_format == "json":
        formatter: dict[str, Any] = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC, with its offset
            # uvicorn's duplicate of each message with terminal colours
            "reserved_attrs": [*RESERVED_ATTRS, "color_message"],
        }
    else:
        formatter = {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "": {"handlers": ["default"], "level": level},
            "uvicorn": {"handlers": ["default"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # Our edge middleware writes the access line, with the request id and timing.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
