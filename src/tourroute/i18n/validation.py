"""Pydantic's validation errors as catalogue messages: the machine parts stay, the words
follow the request's language.

English is Pydantic's own ``msg``; Vietnamese comes from :data:`~tourroute.i18n.messages.
VALIDATION_VI` filled with the error's ``ctx``.  A validator of ours raises
:class:`LocalizedValueError` so that its reason is a catalogue message too (its ``type``
stays ``value_error``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tourroute.i18n.core import Lang, Localized
from tourroute.i18n.messages import VALIDATION_INVALID, VALIDATION_VI, vi_expected


class LocalizedValueError(ValueError):
    """A validator's refusal whose reason is a catalogue message (English in ``str``)."""

    def __init__(self, message: Localized) -> None:
        super().__init__(message.render("en"))
        self.message = message


def localized_reason(exc: BaseException) -> Localized:
    """The catalogue message an exception carries (``.message``), or its text as it is."""
    message = getattr(exc, "message", None)
    if isinstance(message, Localized):
        return message
    return Verbatim(str(exc))


@dataclass(frozen=True)
class Verbatim:
    """Text the project does not write (a GEOS diagnosis, a library's message): as it is."""

    text: str

    def render(self, lang: Lang) -> str:  # noqa: ARG002 - the same in every language
        return self.text


@dataclass(frozen=True)
class ValidationIssue:
    """One Pydantic error: ``type`` and ``ctx`` as Pydantic gave them, ``msg`` its English."""

    type: str
    msg: str
    ctx: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, error: Mapping[str, Any]) -> Localized:
        """The reason of one entry of ``ValidationError.errors()``."""
        ctx = error.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, LocalizedValueError):
            return cause.message
        return cls(str(error.get("type", "")), str(error.get("msg", "invalid")), dict(ctx))

    def render(self, lang: Lang) -> str:
        if lang == "en":
            return self.msg
        template = VALIDATION_VI.get(self.type)
        if template is None:
            return VALIDATION_INVALID(type=self.type).render(lang)
        values = {k: _ctx_value(k, v) for k, v in self.ctx.items()}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return VALIDATION_INVALID(type=self.type).render(lang)


def _ctx_value(key: str, value: Any) -> Any:
    """A ``ctx`` value as Pydantic writes it (``1.0`` as ``1``), ``or`` as ``hoặc``."""
    if key in ("expected", "expected_tags", "expected_schemes") and isinstance(value, str):
        return vi_expected(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
