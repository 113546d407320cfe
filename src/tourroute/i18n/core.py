"""The machinery of the message catalogue: languages, texts, messages and their rendering.

A :class:`Text` is one catalogue entry: an id and a ``str.format`` template per language.
Calling it with its parameters gives a :class:`Message`, which code passes around (in
domain errors, in field errors) and which is rendered only when a response is written, in
the language the request asked for (:func:`negotiate`).  Anything with a ``render(lang)``
method (:class:`Localized`) may stand where a message is expected.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

Lang = Literal["vi", "en"]
LANGUAGES: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "en"

_REGISTRY: dict[str, Text] = {}


@runtime_checkable
class Localized(Protocol):
    """Human text that can be written in any supported language."""

    def render(self, lang: Lang) -> str: ...


def placeholders(template: str) -> frozenset[str]:
    """The names a ``str.format`` template fills (``{slug}``, ``{hours:g}`` → slug, hours)."""
    return frozenset(
        name.split(".")[0].split("[")[0]
        for _literal, name, _spec, _conv in string.Formatter().parse(template)
        if name
    )


@dataclass(frozen=True)
class Text:
    """One catalogue entry: ``id`` and its template in Vietnamese and in English.

    Both templates must name the same placeholders; a duplicate id is refused, so the
    catalogue stays one list of distinct messages.
    """

    id: str
    en: str
    vi: str

    def __post_init__(self) -> None:
        if self.id in _REGISTRY:
            raise ValueError(f"duplicate message id {self.id!r}")
        if placeholders(self.en) != placeholders(self.vi):
            raise ValueError(f"message {self.id!r}: vi and en name different placeholders")
        _REGISTRY[self.id] = self

    def __call__(self, **params: Any) -> Message:
        missing = placeholders(self.en) - params.keys()
        if missing:
            raise TypeError(f"message {self.id!r} needs {', '.join(sorted(missing))}")
        return Message(self, params)

    def template(self, lang: Lang) -> str:
        return self.vi if lang == "vi" else self.en

    def render(self, lang: Lang) -> str:
        """A text without placeholders renders as itself."""
        return self().render(lang)


@dataclass(frozen=True)
class Message:
    """A :class:`Text` with its parameters, rendered when the response is written.

    A parameter may itself be :class:`Localized` (a field label, a nested message) or a
    list of such, joined with commas; anything else is formatted as it is.
    """

    text: Text
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.text.id

    def render(self, lang: Lang) -> str:
        values = {name: _param(value, lang) for name, value in self.params.items()}
        return self.text.template(lang).format(**values)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANG)


def _param(value: Any, lang: Lang) -> Any:
    if isinstance(value, Localized):
        return value.render(lang)
    if isinstance(value, list | tuple) and any(isinstance(v, Localized) for v in value):
        return ", ".join(str(_param(v, lang)) for v in value)
    return value


@dataclass(frozen=True)
class Joined:
    """Several localized texts joined by ``sep`` (``"; "`` between reasons)."""

    items: Sequence[Localized]
    sep: str = ", "

    def render(self, lang: Lang) -> str:
        return self.sep.join(item.render(lang) for item in self.items)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANG)


def all_texts() -> Mapping[str, Text]:
    """Every message id and its text (the catalogue module registers them on import)."""
    return dict(_REGISTRY)


def negotiate(accept_language: str | None) -> Lang:
    """The supported language ``Accept-Language`` prefers (RFC 9110 §12.5.4); English else.

    Tags match on their primary subtag (``vi-VN`` → ``vi``); ``q`` weights order them, ``q=0``
    refuses one; a tie goes to the one listed first; ``*`` and unsupported tags fall back to
    English, the API's default.

    >>> negotiate("vi-VN,vi;q=0.9,en;q=0.8")
    'vi'
    >>> negotiate("en;q=0.5, vi;q=0.7")
    'vi'
    >>> negotiate("fr, vi;q=0")
    'en'
    >>> negotiate(None)
    'en'
    """
    best: Lang = DEFAULT_LANG
    best_q = 0.0
    for part in (accept_language or "").split(","):
        tag, *params = (p.strip() for p in part.split(";"))
        primary = tag.lower().split("-")[0]
        q = _quality(params)
        if primary in LANGUAGES and q > best_q:
            best, best_q = ("vi" if primary == "vi" else "en"), q
    return best


def _quality(params: Sequence[str]) -> float:
    """The ``q`` of a language range: 1 when absent, 0 when malformed or out of 0..1."""
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0
