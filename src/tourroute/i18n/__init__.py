"""Messages in the user's language: one catalogue (:mod:`.messages`), ``Accept-Language``
negotiation, and Pydantic's validation errors in Vietnamese (:mod:`.validation`).

The API's default language is English; a request whose ``Accept-Language`` prefers
Vietnamese gets its problem titles, details and field reasons in Vietnamese.
"""

from tourroute.i18n.core import (
    DEFAULT_LANG,
    LANGUAGES,
    Joined,
    Lang,
    Localized,
    Message,
    Text,
    all_texts,
    negotiate,
    placeholders,
)
from tourroute.i18n.messages import FieldLabel, ProvinceName
from tourroute.i18n.validation import (
    LocalizedValueError,
    ValidationIssue,
    Verbatim,
    localized_reason,
)

__all__ = [
    "DEFAULT_LANG",
    "LANGUAGES",
    "FieldLabel",
    "Joined",
    "Lang",
    "Localized",
    "LocalizedValueError",
    "Message",
    "ProvinceName",
    "Text",
    "ValidationIssue",
    "Verbatim",
    "all_texts",
    "localized_reason",
    "negotiate",
    "placeholders",
]
