"""The message catalogue: ``Accept-Language`` negotiation, completeness of every entry in
both languages, and Pydantic's validation errors rendered in Vietnamese."""

from __future__ import annotations

import re
import typing
from typing import Annotated, Any, Literal

import pydantic_core
import pytest
from pydantic import AfterValidator, BaseModel, Field, TypeAdapter, ValidationError

from tourroute.errors import InvalidParameter, NotFound
from tourroute.i18n import (
    LocalizedValueError,
    Text,
    ValidationIssue,
    all_texts,
    negotiate,
    placeholders,
)
from tourroute.i18n import messages as msgs

# Every letter Vietnamese writes with a diacritic (lower case).
_VI_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("vi", "vi"),
        ("vi-VN", "vi"),
        ("VI-vn", "vi"),
        ("en-US,en;q=0.9", "en"),
        ("vi-VN,vi;q=0.9,en-US;q=0.8,en;q=0.7", "vi"),
        ("en;q=0.5, vi;q=0.8", "vi"),
        ("en, vi;q=0.8", "en"),
        ("fr-FR, de;q=0.9", "en"),  # unsupported: the API's default
        ("fr-FR, vi;q=0.1", "vi"),  # any supported beats unsupported
        ("*", "en"),
        ("vi;q=0", "en"),  # q=0 refuses
        ("vi;q=0, en;q=0", "en"),
        ("vi;q=abc, en;q=0.1", "en"),  # a malformed weight counts as refusal
        ("vi;q=2", "en"),  # out of range: malformed
        ("vi ; q = 0.5 , en ; q = 0.4", "vi"),
        ("vi;q=0.5, en;q=0.5", "vi"),  # a tie goes to the one listed first
        ("en;q=0.5, vi;q=0.5", "en"),
        ("vietnamese, en-vi", "en"),  # "en-vi" is English; "vietnamese" is no tag we serve
    ],
)
def test_accept_language_negotiation(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_every_message_has_both_languages_with_the_same_placeholders() -> None:
    texts = all_texts()
    assert len(texts) > 150
    for text_id, text in texts.items():
        assert text.id == text_id
        assert text.en.strip(), text_id
        assert text.vi.strip(), text_id
        assert placeholders(text.en) == placeholders(text.vi), text_id
        # Both templates format with the same parameters (no stray brace, no bad spec).
        params = dict.fromkeys(placeholders(text.en), 1)
        text.en.format(**params)
        text.vi.format(**params)


# Identical in both languages on purpose: only placeholders, or a loanword ("tour").
SAME_IN_BOTH = {"resource.tour", "resource.tour_cap"}


def test_vietnamese_is_written_with_diacritics() -> None:
    """A Vietnamese template with words in it is Vietnamese, not a copy of the English."""
    for text_id, text in all_texts().items():
        if text_id.startswith("test."):
            continue
        words = re.sub(r"\{[^}]*\}|'[^']*'", "", text.vi)
        if not re.search(r"[^\W\d_]{2,}", words):
            assert text.vi == text.en, text_id  # only placeholders and punctuation
            continue
        if text_id in SAME_IN_BOTH:
            assert text.vi == text.en, text_id
            continue
        assert text.vi != text.en, text_id
        assert _VI_LETTERS.search(text.vi.lower()), (text_id, text.vi)


def test_a_text_refuses_mismatched_placeholders_and_duplicates() -> None:
    with pytest.raises(ValueError, match="different placeholders"):
        Text("test.mismatch", en="no site '{slug}'", vi="không có địa điểm '{id}'")
    with pytest.raises(ValueError, match="duplicate"):
        Text("title.not_found", en="x", vi="y")
    with pytest.raises(TypeError, match="needs slug"):
        msgs.SITE_NOT_FOUND()


def test_domain_errors_render_per_language_and_log_in_english() -> None:
    error = NotFound(msgs.SITE_NOT_FOUND(slug="ho-ke-go"))
    assert str(error) == error.detail == "No site with slug 'ho-ke-go'."
    assert error.message.render("vi") == "Không tìm thấy địa điểm có slug 'ho-ke-go'."
    assert error.title.render("vi") == "Không tìm thấy"
    bad = InvalidParameter("radius_m", msgs.RADIUS_NEEDS_NEAR())
    assert bad.detail == "Invalid value for query parameter 'radius_m': radius_m needs near=lon,lat"
    assert bad.message.render("vi") == (
        "Giá trị không hợp lệ cho tham số truy vấn bán kính (m) (radius_m): "
        "radius_m cần đi kèm near=kinh độ,vĩ độ"
    )
    (field,) = bad.errors
    assert field.as_dict("vi") == {
        "name": "radius_m",
        "in": "query",
        "reason": "radius_m cần đi kèm near=kinh độ,vĩ độ",
    }
    assert field.reason == "radius_m needs near=lon,lat"


def test_field_labels_keep_the_machine_name() -> None:
    assert msgs.FieldLabel("days.0.stops.1.site").render("vi") == ("địa điểm (days.0.stops.1.site)")
    assert msgs.FieldLabel("nights_near[2]").render("vi") == "nơi nghỉ đêm gần (nights_near[2])"
    assert msgs.FieldLabel("no_such_field").render("vi") == "no_such_field"
    assert msgs.FieldLabel("days").render("en") == "days"


def test_the_vietnamese_of_validation_types_are_real_pydantic_types() -> None:
    known = set(typing.get_args(pydantic_core.core_schema.ErrorType))
    assert "greater_than_equal" in known
    assert set(msgs.VALIDATION_VI) <= known, set(msgs.VALIDATION_VI) - known


class _Sample(BaseModel):
    count: Annotated[int, Field(ge=1, le=500)]
    ratio: Annotated[float, Field(gt=0, lt=1)]
    name: Annotated[str, Field(min_length=2, max_length=5, pattern=r"^[a-z]+$")]
    kind: Literal["hotel", "homestay", "camp_site"]
    tags: Annotated[list[str], Field(min_length=1, max_length=2)]


@pytest.mark.parametrize(
    ("data", "field", "vietnamese"),
    [
        ({}, "count", "bắt buộc phải có"),
        ({"count": "ten"}, "count", "phải là số nguyên hợp lệ"),
        ({"count": 0}, "count", "phải lớn hơn hoặc bằng 1"),
        ({"count": 501}, "count", "phải nhỏ hơn hoặc bằng 500"),
        ({"count": 1.5}, "count", "phải là số nguyên, không có phần thập phân"),
        ({"ratio": 0}, "ratio", "phải lớn hơn 0"),
        ({"ratio": 1}, "ratio", "phải nhỏ hơn 1"),
        ({"ratio": "x"}, "ratio", "phải là số hợp lệ"),
        ({"name": "a"}, "name", "phải có ít nhất 2 ký tự"),
        ({"name": "abcdef"}, "name", "không được dài quá 5 ký tự"),
        ({"name": "AB"}, "name", "không khớp mẫu '^[a-z]+$'"),
        ({"kind": "castle"}, "kind", "phải là 'hotel', 'homestay' hoặc 'camp_site'"),
        ({"tags": []}, "tags", "phải có ít nhất 1 phần tử"),
        ({"tags": ["a", "b", "c"]}, "tags", "không được có quá 2 phần tử"),
        ({"tags": "a"}, "tags", "phải là danh sách"),
    ],
)
def test_pydantic_errors_in_vietnamese_with_their_context(
    data: dict[str, Any], field: str, vietnamese: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        _Sample.model_validate(data)
    (error,) = [e for e in raised.value.errors() if e["loc"][0] == field]
    issue = ValidationIssue.of(error)
    assert issue.render("vi") == vietnamese
    assert issue.render("en") == error["msg"]  # English is Pydantic's own


def test_our_validators_reason_in_both_languages_and_unknown_types_fall_back() -> None:
    def check(value: int) -> int:
        if value > 3:
            raise LocalizedValueError(msgs.THEME_WEIGHT_RANGE())
        return value

    adapter = TypeAdapter(Annotated[int, AfterValidator(check)])
    with pytest.raises(ValidationError) as raised:
        adapter.validate_python(5)
    (error,) = raised.value.errors()
    assert error["type"] == "value_error"  # the machine-readable code stays Pydantic's
    reason = ValidationIssue.of(error)
    assert reason.render("vi") == "trọng số chủ đề phải nằm trong khoảng 0 đến 3"
    assert reason.render("en") == "theme weights must be between 0 and 3"
    odd = ValidationIssue("some_future_type", "Something odd", {})
    assert odd.render("vi") == "giá trị không hợp lệ (mã lỗi some_future_type)"
    assert odd.render("en") == "Something odd"
