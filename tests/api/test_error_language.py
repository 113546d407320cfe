"""Problems in the user's language: ``Accept-Language: vi`` gets Vietnamese titles, details
and field reasons; no header (or English) gets the English the API always wrote.  The
machine-readable parts (``type``, ``status``, ``errors[].name``/``in``) do not change."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import Accounts
from tests.builders import assert_problem, new_site_body
from tourroute.config import Settings
from tourroute.i18n import messages as msgs

VI = {"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"}
EN = {"Accept-Language": "en-GB"}
CURATOR = "curator-own"
START = (date.today() + timedelta(days=30)).isoformat()


def _both(send: Any, status: int) -> tuple[Any, Any, Any]:
    """The answer with ``vi``, without any ``Accept-Language`` and with ``en``."""
    vi, plain, en = send(VI), send({}), send(EN)
    for response in (vi, plain, en):
        assert_problem(response, status)
        assert "Accept-Language" in response.headers["vary"]
    assert vi.headers["content-language"] == "vi"
    assert plain.headers["content-language"] == en.headers["content-language"] == "en"
    assert plain.json() == en.json()
    for key in ("type", "status", "instance"):
        assert vi.json()[key] == plain.json()[key]
    machine = [{k: e[k] for k in ("name", "in")} for e in plain.json().get("errors", [])]
    assert [{k: e[k] for k in ("name", "in")} for e in vi.json().get("errors", [])] == machine
    return vi.json(), plain.json(), en.json()


def test_404_in_vietnamese_and_english(client: TestClient) -> None:
    vi, en, _ = _both(lambda h: client.get("/v1/sites/khong-co-dau", headers=h), 404)
    assert en["title"] == "Resource not found"
    assert en["detail"] == "No published site with slug 'khong-co-dau'."
    assert vi["title"] == "Không tìm thấy"
    assert vi["detail"] == "Không tìm thấy địa điểm đã công bố có slug 'khong-co-dau'."


def test_unknown_route_404_is_translated_too(client: TestClient) -> None:
    vi, en, _ = _both(lambda h: client.get("/v1/no-such-thing", headers=h), 404)
    assert (en["title"], en["detail"]) == ("Not Found", "Not Found")
    assert (vi["title"], vi["detail"]) == ("Không tìm thấy", "Không tìm thấy")


def test_412_version_conflict(client: TestClient, accounts: Accounts) -> None:
    created = client.post(
        "/v1/sites", json=new_site_body("diem-ngon-ngu"), headers=accounts.headers(CURATOR)
    )
    assert created.status_code == 201, created.text

    def patch(language: dict[str, str]) -> Any:
        headers = accounts.headers(CURATOR, **{"If-Match": '"v99-0123456789abcdef"'}, **language)
        return client.patch("/v1/sites/diem-ngon-ngu", json={"district": "x"}, headers=headers)

    vi, en, _ = _both(patch, 412)
    assert en["title"] == "Precondition failed"
    assert en["detail"].startswith("site 'diem-ngon-ngu' has changed since you read it")
    assert vi["title"] == "Xung đột phiên bản"
    assert vi["detail"].startswith(
        "Đã có thay đổi ở địa điểm 'diem-ngon-ngu' kể từ lúc bạn đọc (nay là phiên bản 1)"
    )


def test_409_workflow_conflict_names_the_status_in_words(
    client: TestClient, accounts: Accounts
) -> None:
    created = client.post(
        "/v1/sites", json=new_site_body("diem-xung-dot"), headers=accounts.headers(CURATOR)
    )
    etag = created.headers["etag"]

    def publish(language: dict[str, str]) -> Any:
        headers = accounts.headers(CURATOR, **{"If-Match": etag}, **language)
        return client.post("/v1/sites/diem-xung-dot/publish", headers=headers)

    vi, en, _ = _both(publish, 409)
    assert en["title"] == "Conflict"
    assert en["detail"] == (
        "Cannot publish site 'diem-xung-dot': it is draft; submit it for review first."
    )
    assert vi["title"] == "Xung đột dữ liệu"
    assert vi["detail"] == (
        "Không thể công bố địa điểm 'diem-xung-dot': đang ở trạng thái bản nháp; "
        "hãy gửi duyệt trước."
    )


def test_409_duplicate_slug(client: TestClient, accounts: Accounts) -> None:
    def create(language: dict[str, str]) -> Any:
        headers = accounts.headers(CURATOR, **language)
        return client.post("/v1/sites", json=new_site_body("thanh-nha-ho"), headers=headers)

    vi, en, _ = _both(create, 409)
    assert en["detail"] == "A site with slug 'thanh-nha-ho' exists already."
    assert vi["detail"] == "Đã có một địa điểm với slug 'thanh-nha-ho'."


@pytest.mark.parametrize(
    ("params", "english", "vietnamese"),
    [
        (
            {"limit": "0"},
            "Input should be greater than or equal to 1",
            "phải lớn hơn hoặc bằng 1",
        ),
        ({"limit": "ten"}, "Input should be a valid integer", "phải là số nguyên hợp lệ"),
        ({"q": "x" * 201}, "String should have at most 200 characters", "không được dài quá 200"),
        ({"category": "casino"}, "Input should be", "phải là một trong các giá trị"),
    ],
)
def test_422_validation_error_types_and_field_labels(
    client: TestClient, params: dict[str, str], english: str, vietnamese: str
) -> None:
    vi, en, _ = _both(lambda h: client.get("/v1/sites", params=params, headers=h), 422)
    (name,) = params
    assert en["title"] == "Invalid request parameter"
    assert en["detail"] == f"Invalid value for: {name}"
    assert en["errors"][0]["reason"].startswith(english)
    assert vi["title"] == "Dữ liệu không hợp lệ"
    assert vi["detail"] == f"Giá trị không hợp lệ: {msgs.FieldLabel(name).render('vi')}"
    assert vi["errors"][0]["reason"].startswith(vietnamese), vi
    if name == "category":  # Pydantic's "'a', 'b' or 'c'" reads "… hoặc …" in Vietnamese
        assert " hoặc '" in vi["errors"][0]["reason"]
        assert " or '" not in vi["errors"][0]["reason"]


def test_422_missing_body_field_and_our_own_validator(client: TestClient) -> None:
    body = {"start": "lam-kinh", "end": "cua-lo-beach", "days": 2, "day_start": "18:00"}
    body |= {"day_end": "08:00", "start_date": START}
    vi, en, _ = _both(lambda h: client.post("/v1/itineraries", json=body, headers=h), 422)
    # The model validator's reason is a catalogue message; its type stays value_error.
    assert "day_end must be after day_start" in en["errors"][0]["reason"]
    assert vi["errors"][0]["reason"] == (
        "day_end (giờ kết thúc ngày) phải sau day_start (giờ bắt đầu ngày)"
    )
    missing = {"end": "cua-lo-beach", "days": 2, "start_date": START}
    vi, en, _ = _both(lambda h: client.post("/v1/itineraries", json=missing, headers=h), 422)
    assert en["errors"][0] == {"name": "start", "in": "body", "reason": "Field required"}
    assert vi["errors"][0] == {"name": "start", "in": "body", "reason": "bắt buộc phải có"}
    assert vi["detail"] == "Giá trị không hợp lệ: điểm xuất phát (start)"


def test_domain_422_of_a_parameter(client: TestClient) -> None:
    params = {"near": "2.35,48.85"}
    vi, en, _ = _both(lambda h: client.get("/v1/sites", params=params, headers=h), 422)
    assert en["errors"][0]["reason"].startswith("point 2.35,48.85 is far outside the region served")
    assert en["detail"].startswith("Invalid value for query parameter 'near': point 2.35,48.85")
    assert vi["errors"][0]["reason"].startswith("điểm 2.35,48.85 nằm quá xa vùng được phục vụ")
    assert vi["detail"].startswith(
        "Giá trị không hợp lệ cho tham số truy vấn gần điểm (near): điểm 2.35,48.85"
    )


def test_domain_422_of_the_composer(client: TestClient) -> None:
    body = {"start": "lam-kinh", "end": "cua-lo-beach", "days": 2, "start_date": START}
    body["must_visit"] = ["khong-co"]
    vi, en, _ = _both(lambda h: client.post("/v1/itineraries", json=body, headers=h), 422)
    assert en["errors"] == [
        {"name": "must_visit", "in": "body", "reason": "not published site slugs: khong-co"}
    ]
    assert vi["errors"][0]["reason"] == "không phải slug của địa điểm đã công bố: khong-co"
    assert vi["detail"] == (
        "Giá trị không hợp lệ cho trường dữ liệu điểm bắt buộc (must_visit): "
        "không phải slug của địa điểm đã công bố: khong-co"
    )


def test_retired_vehicle_is_explained_in_both_languages(client: TestClient) -> None:
    vi, en, _ = _both(
        lambda h: client.get("/v1/routes?from=lam-kinh&to=thanh-nha-ho&vehicle=caravan", headers=h),
        422,
    )
    assert en["errors"][0]["reason"].startswith("'caravan' is no longer a vehicle")
    assert vi["errors"][0]["reason"].startswith("'caravan' không còn là một loại xe")


def test_401_and_403_in_vietnamese(client: TestClient, accounts: Accounts) -> None:
    vi, en, _ = _both(lambda h: client.get("/v1/audit", headers=h), 401)
    assert (en["title"], vi["title"]) == ("Authentication required", "Cần đăng nhập")
    assert vi["detail"] == "hãy gửi 'Authorization: Bearer <token>'"

    def audit(language: dict[str, str]) -> Any:
        return client.get("/v1/audit", headers=accounts.headers("agency", **language))

    vi, en, _ = _both(audit, 403)
    assert en["detail"] == "agencies cannot read the audit log"
    assert vi["detail"] == "công ty lữ hành không được xem nhật ký thay đổi"


def test_field_labels_name_fields_the_api_has(client: TestClient) -> None:
    """Every Vietnamese field label is for a name the OpenAPI document has (no stale ones)."""
    document = client.get("/openapi.json").json()
    names = {
        p["name"]
        for path in document["paths"].values()
        for op in path.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
    }
    for schema in document["components"]["schemas"].values():
        names |= set(schema.get("properties", {}))
    stale = set(msgs.FIELD_LABELS_VI) - names - {"body"}
    assert not stale, stale


def test_the_edges_413_follows_the_language_too(client: TestClient) -> None:
    """Refused before the app runs (``serving/edge.py``), negotiated all the same."""
    limit = Settings().max_body_bytes
    body = b"{" + b" " * limit + b"}"

    def post(language: dict[str, str]) -> Any:
        headers = {"Content-Type": "application/json", **language}
        return client.post("/v1/itineraries", content=body, headers=headers)

    vi, en, _ = _both(post, 413)
    assert en["title"] == "Content Too Large"
    assert vi["title"] == "Dữ liệu gửi lên quá lớn"
    assert vi["detail"] == (
        f"Thân yêu cầu có {limit + 2} byte; /v1/itineraries chỉ nhận tối đa {limit} byte."
    )


def test_ogc_400_for_an_unknown_parameter(client: TestClient) -> None:
    url = "/ogc/collections/sites/items"
    vi, en, _ = _both(lambda h: client.get(url, params={"colour": "red"}, headers=h), 400)
    assert en["detail"] == "Unknown query parameter: colour"
    assert vi["title"] == "Tham số không được hỗ trợ"
    assert vi["detail"] == "Tham số truy vấn không được hỗ trợ: colour"
    assert vi["errors"][0]["reason"].startswith(
        "không phải tham số của thao tác này (các tham số được nhận: "
    )
