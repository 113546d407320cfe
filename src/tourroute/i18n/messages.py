"""The catalogue: every message the API writes for people, in Vietnamese and in English.

One entry per message (:class:`~tourroute.i18n.core.Text`), grouped by where it is raised;
the English templates are the API's historic wording, so English answers read as before.
Also here: the Vietnamese labels of the API's field names (:class:`FieldLabel`), the
locations a field can be in, and the Vietnamese of Pydantic's validation error types (the
English of those is Pydantic's own message, see :mod:`tourroute.i18n.validation`).

Placeholders are ``str.format`` fields; both languages must name the same ones (checked
when the module is imported, and by ``tests/unit/test_i18n.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tourroute.i18n.core import Lang, Localized, Text

# --------------------------------------------------------------------------- problem titles
TITLE_INTERNAL_ERROR = Text("title.internal_error", en="Internal error", vi="Lỗi máy chủ")
TITLE_NOT_FOUND = Text("title.not_found", en="Resource not found", vi="Không tìm thấy")
TITLE_INVALID_PARAMETER = Text(
    "title.invalid_parameter", en="Invalid request parameter", vi="Dữ liệu không hợp lệ"
)
TITLE_UNKNOWN_PARAMETER = Text(
    "title.unknown_parameter", en="Unknown request parameter", vi="Tham số không được hỗ trợ"
)
TITLE_CONFLICT = Text("title.conflict", en="Conflict", vi="Xung đột dữ liệu")
TITLE_SERVICE_UNAVAILABLE = Text(
    "title.service_unavailable", en="Service unavailable", vi="Dịch vụ tạm thời không khả dụng"
)
TITLE_NO_ROUTE = Text("title.no_route", en="No route", vi="Không tìm được đường đi")
TITLE_PRECONDITION_REQUIRED = Text(
    "title.precondition_required", en="Precondition required", vi="Thiếu tiêu đề If-Match"
)
TITLE_PRECONDITION_FAILED = Text(
    "title.precondition_failed", en="Precondition failed", vi="Xung đột phiên bản"
)
TITLE_UNAUTHORIZED = Text("title.unauthorized", en="Authentication required", vi="Cần đăng nhập")
TITLE_FORBIDDEN = Text("title.forbidden", en="Forbidden", vi="Không có quyền")
# Starlette's HTTP errors (an unknown path, a wrong method…): titled by their status.
STATUS_TITLES: dict[int, Text] = {
    404: Text("http.404", en="Not Found", vi="Không tìm thấy"),
    405: Text("http.405", en="Method Not Allowed", vi="Phương thức không được hỗ trợ"),
    406: Text("http.406", en="Not Acceptable", vi="Không có định dạng phù hợp"),
    413: Text("http.413", en="Request Entity Too Large", vi="Dữ liệu gửi lên quá lớn"),
    415: Text("http.415", en="Unsupported Media Type", vi="Kiểu dữ liệu không được hỗ trợ"),
    429: Text("http.429", en="Too Many Requests", vi="Quá nhiều yêu cầu"),
}

# ------------------------------------------------------------------------- generic details
INVALID_PARAMETER_DETAIL = Text(
    "detail.invalid_parameter",
    en="Invalid value for {location} parameter '{name}': {reason}",
    vi="Giá trị không hợp lệ cho {location} {name}: {reason}",
)
INVALID_VALUES_DETAIL = Text(
    "detail.invalid_values", en="Invalid value for: {names}", vi="Giá trị không hợp lệ: {names}"
)
UNKNOWN_PARAMETER_DETAIL = Text(
    "detail.unknown_parameter",
    en="Unknown query parameter: {names}",
    vi="Tham số truy vấn không được hỗ trợ: {names}",
)
INTEGRITY_CONFLICT = Text(
    "detail.integrity_conflict",
    en="The change conflicts with existing data.",
    vi="Thay đổi này xung đột với dữ liệu đã có.",
)
DATABASE_UNAVAILABLE = Text(
    "detail.database_unavailable",
    en="Database unavailable.",
    vi="Cơ sở dữ liệu tạm thời không truy cập được.",
)
DATABASE_ERROR = Text(
    "detail.database_error",
    en="Unexpected database error.",
    vi="Lỗi cơ sở dữ liệu ngoài dự kiến.",
)
UNEXPECTED_ERROR = Text(
    "detail.unexpected_error",
    en="An unexpected error occurred.",
    vi="Đã xảy ra lỗi ngoài dự kiến.",
)
TITLE_CONTENT_TOO_LARGE = Text(
    "title.content_too_large", en="Content Too Large", vi="Dữ liệu gửi lên quá lớn"
)
TITLE_TOO_MANY_REQUESTS = Text(
    "title.too_many_requests", en="Too Many Requests", vi="Quá nhiều yêu cầu"
)
BODY_TOO_LARGE = Text(
    "detail.body_too_large",
    en="The request body is {declared} bytes; at most {limit} are accepted on {path}.",
    vi="Thân yêu cầu có {declared} byte; {path} chỉ nhận tối đa {limit} byte.",
)
RATE_LIMITED = Text(
    "detail.rate_limited",
    en="Rate limit of {limit} for {who} reached; retry in {retry_after} s.",
    vi="Đã chạm giới hạn {limit} cho {who}; hãy thử lại sau {retry_after} giây.",
)
RATE_WHO_ADDRESS = Text("detail.rate_who_address", en="this address", vi="địa chỉ này")
RATE_WHO_TOKEN = Text("detail.rate_who_token", en="this token", vi="token này")
RATE_WHO_COMPUTATIONS = Text(
    "detail.rate_who_computations", en="these computations", vi="các phép tính này"
)

# -------------------------------------------------------------------------- field locations
LOCATION_QUERY = Text("location.query", en="query", vi="tham số truy vấn")
LOCATION_PATH = Text("location.path", en="path", vi="tham số đường dẫn")
LOCATION_BODY = Text("location.body", en="body", vi="trường dữ liệu")
LOCATION_HEADER = Text("location.header", en="header", vi="tiêu đề HTTP")
LOCATION_ARGUMENT = Text("location.argument", en="argument", vi="đối số")
LOCATION_OTHER = Text("location.other", en="{location}", vi="{location}")
_LOCATIONS = {
    "query": LOCATION_QUERY,
    "path": LOCATION_PATH,
    "body": LOCATION_BODY,
    "header": LOCATION_HEADER,
    "argument": LOCATION_ARGUMENT,
}


# --- base map, glyphs and offline packs (tourroute.basemap, tourroute.offline) ---------------
TILE_ZOOM_RANGE = Text(
    "basemap.zoom_range", en="zoom must be 0..{max}", vi="mức thu phóng phải trong khoảng 0..{max}"
)
TILE_COLUMN_RANGE = Text(
    "basemap.x_range",
    en="at zoom {z} x must be 0..{last}",
    vi="ở mức thu phóng {z}, x phải trong khoảng 0..{last}",
)
TILE_ROW_RANGE = Text(
    "basemap.y_range",
    en="at zoom {z} y must be 0..{last}",
    vi="ở mức thu phóng {z}, y phải trong khoảng 0..{last}",
)
TILE_ZOOM_NOT_HELD = Text(
    "basemap.zoom_not_held",
    en="the base map has zoom levels {min}..{max}",
    vi="bản đồ nền chỉ có các mức thu phóng {min}..{max}",
)
BASEMAP_MISSING = Text(
    "basemap.missing",
    en="no base map archive at {path}",
    vi="không có tệp bản đồ nền tại {path}",
)
BASEMAP_UNREADABLE = Text(
    "basemap.unreadable",
    en="base map archive {name} unreadable: {reason}",
    vi="không đọc được tệp bản đồ nền {name}: {reason}",
)
GLYPH_RANGE_FORM = Text(
    "glyphs.range_form",
    en="must be <start>-<end>, e.g. 0-255",
    vi="phải có dạng <đầu>-<cuối>, ví dụ 0-255",
)
GLYPH_RANGE_SPAN = Text(
    "glyphs.range_span",
    en="must start at a multiple of 256 (≤ 65280) and span 256 codepoints",
    vi="phải bắt đầu ở một bội số của 256 (≤ 65280) và gồm đúng 256 mã ký tự",
)
GLYPHS_NOT_BUILT = Text(
    "glyphs.not_built",
    en="map glyphs not built: run make console (no valid {path})",
    vi="chưa tạo bộ ký tự của bản đồ: hãy chạy make console (không có {path} hợp lệ)",
)
GLYPHS_INCOMPLETE = Text(
    "glyphs.incomplete",
    en="map glyphs incomplete: run make console ({path})",
    vi="bộ ký tự của bản đồ chưa đủ: hãy chạy make console ({path})",
)
FONT_STACK_UNKNOWN = Text(
    "glyphs.font_unknown",
    en="no font stack '{fontstack}'; known: {known}",
    vi="không có bộ phông '{fontstack}'; các bộ phông có: {known}",
)
OFFLINE_NO_BASEMAP = Text(
    "offline.no_basemap",
    en="no base map is configured (TOURROUTE_BASEMAP_ARCHIVE)",
    vi="chưa cấu hình bản đồ nền (TOURROUTE_BASEMAP_ARCHIVE)",
)


def location_label(location: str) -> Localized:
    """Where a field was (``query``, ``body``…), in words."""
    found = _LOCATIONS.get(location)
    return found if found is not None else LOCATION_OTHER(location=location)


# ------------------------------------------------------------------------- coordinates, bbox
EXPECTED_NUMBERS = Text(
    "geo.expected_numbers",
    en="expected {count} comma-separated numbers, got '{raw}'",
    vi="cần {count} số cách nhau bằng dấu phẩy, nhận được '{raw}'",
)
NOT_NUMBERS = Text(
    "geo.not_numbers",
    en="not a list of numbers: '{raw}'",
    vi="không phải một dãy số: '{raw}'",
)
NUMBERS_NOT_FINITE = Text(
    "geo.numbers_not_finite", en="numbers must be finite", vi="các số phải là số hữu hạn"
)
LONGITUDE_RANGE = Text(
    "geo.longitude_range",
    en="longitude {lon} is outside -180..180 (order is lon,lat)",
    vi="kinh độ {lon} nằm ngoài khoảng -180..180 (thứ tự là kinh độ,vĩ độ)",
)
LATITUDE_RANGE = Text(
    "geo.latitude_range",
    en="latitude {lat} is outside -90..90 (order is lon,lat)",
    vi="vĩ độ {lat} nằm ngoài khoảng -90..90 (thứ tự là kinh độ,vĩ độ)",
)
OUTSIDE_REGION = Text(
    "geo.outside_region",
    en="point {lon},{lat} is far outside the region served "
    "(lon {minx}..{maxx}, lat {miny}..{maxy}); coordinates are lon,lat",
    vi="điểm {lon},{lat} nằm quá xa vùng được phục vụ "
    "(kinh độ {minx}..{maxx}, vĩ độ {miny}..{maxy}); tọa độ viết theo thứ tự kinh độ,vĩ độ",
)
BBOX_ORDER = Text(
    "geo.bbox_order",
    en="expected minLon,minLat,maxLon,maxLat with min < max on both axes",
    vi="cần minLon,minLat,maxLon,maxLat với giá trị min < max trên cả hai trục",
)
GEOJSON_NOT_JSON = Text(
    "geo.geojson_not_json",
    en="not JSON: expected a GeoJSON Polygon or MultiPolygon",
    vi="không phải JSON: cần một Polygon hoặc MultiPolygon GeoJSON",
)
GEOJSON_NOT_POLYGON = Text(
    "geo.geojson_not_polygon",
    en="expected a GeoJSON Polygon or MultiPolygon geometry",
    vi="cần một hình học GeoJSON kiểu Polygon hoặc MultiPolygon",
)
GEOJSON_MALFORMED = Text(
    "geo.geojson_malformed",
    en="malformed GeoJSON coordinates",
    vi="tọa độ GeoJSON sai định dạng",
)
POLYGON_EMPTY = Text(
    "geo.polygon_empty",
    en="expected a non-empty Polygon or MultiPolygon",
    vi="cần một Polygon hoặc MultiPolygon không rỗng",
)
POLYGON_TOO_MANY_POSITIONS = Text(
    "geo.polygon_too_many_positions",
    en="at most {limit} positions",
    vi="tối đa {limit} điểm tọa độ",
)
COORDINATES_NOT_FINITE = Text(
    "geo.coordinates_not_finite",
    en="coordinates must be finite numbers",
    vi="tọa độ phải là các số hữu hạn",
)
POLYGON_INVALID = Text(
    "geo.polygon_invalid",
    en="invalid polygon: {reason}",
    vi="đa giác không hợp lệ: {reason}",
)
RING_TOO_SHORT = Text(
    "geo.ring_too_short",
    en="a polygon ring needs at least 4 positions",
    vi="mỗi vòng của đa giác cần ít nhất 4 điểm tọa độ",
)
RING_NOT_CLOSED = Text(
    "geo.ring_not_closed",
    en="a polygon ring must be closed (first position == last)",
    vi="mỗi vòng của đa giác phải khép kín (điểm đầu trùng điểm cuối)",
)
RING_TOO_LONG = Text(
    "geo.ring_too_long",
    en="a polygon ring may have at most 10,000 positions",
    vi="mỗi vòng của đa giác có tối đa 10.000 điểm tọa độ",
)
POSITION_RANGE = Text(
    "geo.position_range",
    en="position {lon},{lat} out of range (lon,lat order)",
    vi="điểm {lon},{lat} nằm ngoài phạm vi (thứ tự kinh độ,vĩ độ)",
)
SEGMENT_NO_LENGTH = Text(
    "geo.segment_no_length",
    en="a road segment must have a length",
    vi="đoạn đường phải có chiều dài lớn hơn 0",
)
LOCAL_TIME_OFFSET = Text(
    "time.local_offset",
    en="times are local times (+07:00); send HH:MM without an offset",
    vi="giờ là giờ địa phương (+07:00); hãy gửi HH:MM không kèm múi giờ",
)

# ------------------------------------------------------------------------- paging and sync
CURSOR_MALFORMED = Text(
    "paging.cursor_malformed", en="malformed cursor", vi="con trỏ sai định dạng"
)
CURSOR_FORGED = Text(
    "paging.cursor_forged",
    en="cursor signature does not match (forged or stale)",
    vi="chữ ký của con trỏ không khớp (bị sửa hoặc đã cũ)",
)
CURSOR_OTHER_QUERY = Text(
    "paging.cursor_other_query",
    en="cursor belongs to a different query",
    vi="con trỏ thuộc về một truy vấn khác",
)
SYNC_TOKEN_MALFORMED = Text(
    "sync.token_malformed", en="malformed sync token", vi="token đồng bộ sai định dạng"
)
SYNC_TOKEN_FORGED = Text(
    "sync.token_forged",
    en="sync token signature does not match (forged or from another server)",
    vi="chữ ký của token đồng bộ không khớp (bị sửa hoặc từ máy chủ khác)",
)

# ------------------------------------------------------------------------------ OGC API
OGC_NOT_A_PARAMETER = Text(
    "ogc.not_a_parameter",
    en="not a parameter of this operation (accepted: {accepted})",
    vi="không phải tham số của thao tác này (các tham số được nhận: {accepted})",
)
NONE = Text("common.none", en="none", vi="không có")
OGC_NOT_DATETIME = Text(
    "ogc.not_datetime",
    en="'{raw}' is not an RFC 3339 date-time",
    vi="'{raw}' không phải thời điểm theo RFC 3339",
)
OGC_INTERVAL_SHAPE = Text(
    "ogc.interval_shape",
    en="expected an instant or start/end",
    vi="cần một thời điểm hoặc khoảng bắt đầu/kết thúc",
)
OGC_INTERVAL_REVERSED = Text(
    "ogc.interval_reversed",
    en="the interval ends before it starts",
    vi="khoảng thời gian kết thúc trước khi bắt đầu",
)
OGC_NO_COLLECTION = Text(
    "ogc.no_collection",
    en="No collection '{collection}'; the collections are: {known}.",
    vi="Không có bộ sưu tập '{collection}'; các bộ sưu tập hiện có: {known}.",
)

# ------------------------------------------------------------------------ provinces, sites
UNKNOWN_PROVINCE = Text(
    "province.unknown",
    en="unknown province '{value}'; known: {known}",
    vi="không có tỉnh '{value}'; các tỉnh hiện có: {known}",
)
UNKNOWN_PROVINCE_USE = Text(
    "province.unknown_use",
    en="unknown province '{value}'; use {known}",
    vi="không có tỉnh '{value}'; hãy dùng {known}",
)
PROVINCE_NOT_FOUND = Text(
    "province.not_found", en="No province '{key}'.", vi="Không tìm thấy tỉnh '{key}'."
)
SITE_NOT_FOUND = Text(
    "site.not_found",
    en="No site with slug '{slug}'.",
    vi="Không tìm thấy địa điểm có slug '{slug}'.",
)
PUBLISHED_SITE_NOT_FOUND = Text(
    "site.published_not_found",
    en="No published site with slug '{slug}'.",
    vi="Không tìm thấy địa điểm đã công bố có slug '{slug}'.",
)
SITE_EXISTS = Text(
    "site.exists",
    en="A site with slug '{slug}' exists already.",
    vi="Đã có một địa điểm với slug '{slug}'.",
)
SITE_OUTSIDE_PROVINCE = Text(
    "site.outside_province",
    en="point {lon},{lat} lies {km:.1f} km outside {province} ({code}); coordinates are lon,lat",
    vi="điểm {lon},{lat} nằm ngoài tỉnh {province} ({code}) {km:.1f} km; "
    "tọa độ viết theo thứ tự kinh độ,vĩ độ",
)
RADIUS_NEEDS_NEAR = Text(
    "site.radius_needs_near",
    en="radius_m needs near=lon,lat",
    vi="radius_m cần đi kèm near=kinh độ,vĩ độ",
)
UNKNOWN_SITE_TYPE = Text(
    "site.unknown_type",
    en="unknown type {unknown}; use {known}",
    vi="không có loại {unknown}; hãy dùng {known}",
)
EMPTY = Text("common.empty", en="(empty)", vi="(trống)")
OPENING_HOURS_SYNTAX = Text(
    "site.opening_hours_syntax",
    en="not valid OpenStreetMap opening_hours syntax ({reason})",
    vi="không đúng cú pháp opening_hours của OpenStreetMap ({reason})",
)
SUBTYPE_MISMATCH = Text(
    "site.subtype_mismatch",
    en="subtype '{subtype}' does not go with kind '{kind}' (allowed: {allowed})",
    vi="loại '{subtype}' không đi cùng kiểu '{kind}' (được phép: {allowed})",
)
CATEGORIES_REPEAT = Text(
    "site.categories_repeat",
    en="categories must not repeat",
    vi="các danh mục không được lặp lại",
)
NOT_PUBLISHED_SITE = Text(
    "site.not_published",
    en="'{slug}' is not a published site slug",
    vi="'{slug}' không phải slug của một địa điểm đã công bố",
)
SITE_NO_LOCATION = Text(
    "site.no_location",
    en="site '{slug}' has no location",
    vi="địa điểm '{slug}' chưa có tọa độ",
)

# -------------------------------------------------------------------------- road network
SEGMENT_EXISTS = Text(
    "segment.exists",
    en="A road segment with id '{id}' exists already.",
    vi="Đã có một đoạn đường với mã '{id}'.",
)
SEGMENT_NOT_FOUND = Text(
    "segment.not_found",
    en="No road segment with id '{id}'.",
    vi="Không tìm thấy đoạn đường có mã '{id}'.",
)
UNKNOWN_CORRIDORS = Text(
    "segment.unknown_corridors",
    en="unknown corridor(s) {unknown}; known: {known}",
    vi="không có hành lang {unknown}; các hành lang hiện có: {known}",
)
UNKNOWN_CORRIDOR = Text(
    "corridor.unknown",
    en="unknown corridor '{corridor}'",
    vi="không có hành lang '{corridor}'",
)
UNKNOWN_CORRIDOR_USE = Text(
    "corridor.unknown_use",
    en="unknown corridor '{corridor}'; use {known}",
    vi="không có hành lang '{corridor}'; hãy dùng {known}",
)

# ------------------------------------------------------------------------------- routing
NOT_A_POINT_OR_SITE = Text(
    "route.not_point_or_site",
    en="'{raw}' is neither lon,lat nor a published site slug",
    vi="'{raw}' không phải tọa độ kinh độ,vĩ độ cũng không phải slug của địa điểm đã công bố",
)
UNKNOWN_AVOID = Text(
    "route.unknown_avoid",
    en="unknown value(s) {unknown}; use toll, expressway, unpaved or a corridor: {corridors}",
    vi="giá trị không hợp lệ {unknown}; hãy dùng toll, expressway, unpaved "
    "hoặc một hành lang: {corridors}",
)
TOO_MANY_VIAS = Text(
    "route.too_many_vias", en="at most {limit} via points", vi="tối đa {limit} điểm trung gian"
)
NO_ROUTE_LEG = Text("route.no_route_leg", en="no route {between}", vi="không có đường đi {between}")
LEG_FROM_TO = Text("route.leg_from_to", en="from {a} to {b}", vi="từ {a} đến {b}")
LEG_FROM_TO_FOR = Text(
    "route.leg_from_to_for", en="from {a} to {b} for a {vehicle}", vi="từ {a} đến {b} cho {vehicle}"
)
LEG_USABLE_BY = Text(
    "route.leg_usable_by",
    en="usable by a {vehicle} from {a} to {b}",
    vi="cho {vehicle} từ {a} đến {b}",
)
NO_ROUTE_REASON = Text("route.no_route_reason", en="{what}: {reason}", vi="{what}: {reason}")
NO_ROAD_NEAR = Text(
    "route.no_road_near",
    en="no usable road within {km:.0f} km of {lon},{lat}",
    vi="không có con đường nào đi được trong vòng {km:.0f} km quanh {lon},{lat}",
)
ROAD_CUT_OFF = Text(
    "route.road_cut_off",
    en="the road nearest to {lon},{lat} ({metres:.0f} m away) is cut off from the rest of "
    "the network for this vehicle and these constraints",
    vi="con đường gần {lon},{lat} nhất (cách {metres:.0f} m) bị tách khỏi phần còn lại của "
    "mạng lưới với loại xe và các ràng buộc này",
)
NO_PATH_CONSTRAINED = Text(
    "route.no_path_constrained",
    en="no path between the points for this vehicle and these constraints",
    vi="không có đường nối các điểm với loại xe và các ràng buộc này",
)
NO_PATH = Text("route.no_path", en="no path between the points", vi="không có đường nối các điểm")
VEHICLE_CARAVAN_RETIRED = Text(
    "vehicle.caravan_retired",
    en="'caravan' is no longer a vehicle: a motorhome is 'motorhome'; a self-drive caravan "
    "tour (a convoy of cars, optionally motorbikes) is an itinerary with a 'convoy', "
    'e.g. {{"vehicle": "car", "convoy": {{"cars": 6, "motorbikes": 2}}}}',
    vi="'caravan' không còn là một loại xe: xe nhà di động là 'motorhome'; tour caravan tự "
    "lái (một đoàn ô tô, có thể kèm xe máy) là một lịch trình có 'convoy', "
    'ví dụ {{"vehicle": "car", "convoy": {{"cars": 6, "motorbikes": 2}}}}',
)

VEHICLE_CAR = Text("vehicle.car", en="car", vi="ô tô")
VEHICLE_COACH = Text("vehicle.coach", en="coach", vi="xe khách")
VEHICLE_MOTORBIKE = Text("vehicle.motorbike", en="motorbike", vi="xe máy")
VEHICLE_MOTORHOME = Text("vehicle.motorhome", en="motorhome", vi="xe nhà di động")
VEHICLE_OTHER = Text("vehicle.other", en="{vehicle}", vi="{vehicle}")
_VEHICLES = {
    "car": VEHICLE_CAR,
    "coach": VEHICLE_COACH,
    "motorbike": VEHICLE_MOTORBIKE,
    "motorhome": VEHICLE_MOTORHOME,
}


def vehicle_label(vehicle: str) -> Localized:
    """A vehicle profile (``coach``) in words."""
    found = _VEHICLES.get(vehicle)
    return found if found is not None else VEHICLE_OTHER(vehicle=vehicle)


# --------------------------------------------------------------------------- itineraries
ITINERARY_NOT_FOUND = Text(
    "itinerary.not_found",
    en="no itinerary '{id}'",
    vi="không tìm thấy lịch trình '{id}'",
)
ITINERARY_BAD_ID = Text(
    "itinerary.bad_id",
    en="no itinerary '{id}' (ids are 32 hex digits)",
    vi="không tìm thấy lịch trình '{id}' (mã lịch trình gồm 32 chữ số thập lục phân)",
)
NOT_PUBLISHED_SLUGS = Text(
    "itinerary.not_published_slugs",
    en="not published site slugs: {slugs}",
    vi="không phải slug của địa điểm đã công bố: {slugs}",
)
NOT_A_PLACE_TO_VISIT = Text(
    "itinerary.not_a_place_to_visit",
    en="'{slug}' is a {kind}, not a place to visit",
    vi="'{slug}' thuộc kiểu {kind}, không phải điểm tham quan",
)
NO_STAY_NEAR = Text(
    "itinerary.no_stay_near",
    en="no published place to stay of the kinds asked for within {km:g} km of {near}",
    vi="không có nơi lưu trú đã công bố thuộc các loại đã chọn trong vòng {km:g} km quanh {near}",
)
NIGHTS_DO_NOT_OVERLAP = Text(
    "itinerary.nights_do_not_overlap",
    en="the places asked for night {night} do not overlap",
    vi="các yêu cầu về nơi nghỉ cho đêm {night} không có nơi nào chung",
)
NO_OVERNIGHT_PLACE = Text(
    "itinerary.no_overnight_place",
    en="no published place to stay of the kinds asked for in these provinces",
    vi="không có nơi lưu trú đã công bố thuộc các loại đã chọn ở các tỉnh này",
)
NO_MOTORHOME_OVERNIGHT = Text(
    "itinerary.no_motorhome_overnight",
    en="no published motorhome-suitable overnight place of the kinds asked for in these provinces",
    vi="không có nơi nghỉ đêm đã công bố phù hợp cho xe nhà di động thuộc các loại đã chọn "
    "ở các tỉnh này",
)
MOTORHOME_NIGHTS_ON_SITE = Text(
    "itinerary.motorhome_nights_on_site",
    en="'{slug}' is a visit of {nights} night(s) on site, and a motorhome may not stay "
    "there overnight",
    vi="'{slug}' là chuyến tham quan có {nights} đêm tại chỗ, nhưng xe nhà di động không "
    "được nghỉ đêm ở đó",
)
NIGHTS_ON_SITE_TOO_LONG = Text(
    "itinerary.nights_on_site_too_long",
    en="'{slug}' takes {hours:g} h, {nights} night(s) on site: a trip of at least {days} days",
    vi="'{slug}' mất {hours:g} giờ, {nights} đêm tại chỗ: cần chuyến đi ít nhất {days} ngày",
)
MEALS_FILL_DAY = Text(
    "itinerary.meals_fill_day",
    en="the meals and stops leave less than an hour of the day",
    vi="sau khi trừ các bữa ăn và điểm dừng, ngày chỉ còn chưa đến một giờ",
)
CONVOY_EMPTY = Text(
    "itinerary.convoy_empty",
    en="a convoy has at least one car or motorbike",
    vi="đoàn xe phải có ít nhất một ô tô hoặc xe máy",
)
MEAL_WINDOW_SHORT = Text(
    "itinerary.meal_window_short",
    en="the meal window is shorter than the meal",
    vi="khung giờ ăn ngắn hơn thời gian của bữa ăn",
)
DAY_END_BEFORE_START = Text(
    "itinerary.day_end_before_start",
    en="day_end must be after day_start",
    vi="day_end (giờ kết thúc ngày) phải sau day_start (giờ bắt đầu ngày)",
)
START_DATE_HORIZON = Text(
    "itinerary.start_date_horizon",
    en="start_date must be within {years} years (on or before {horizon})",
    vi="start_date (ngày khởi hành) phải trong vòng {years} năm tới (không muộn hơn {horizon})",
)
THEME_WEIGHT_RANGE = Text(
    "itinerary.theme_weight_range",
    en="theme weights must be between 0 and 3",
    vi="trọng số chủ đề phải nằm trong khoảng 0 đến 3",
)
CONVOY_SETS_VEHICLES = Text(
    "itinerary.convoy_sets_vehicles",
    en="a convoy sets its own vehicles: leave 'vehicle' as 'car' and give "
    "'convoy': {{'cars': n, 'motorbikes': m}}",
    vi="đoàn xe tự xác định các xe của mình: để 'vehicle' là 'car' và khai báo "
    "'convoy': {{'cars': n, 'motorbikes': m}}",
)
NIGHT_BEYOND_TRIP = Text(
    "itinerary.night_beyond_trip",
    en="nights_near: night {night} of a {days}-day trip (nights are 1..{last})",
    vi="nights_near: đêm {night} của chuyến đi {days} ngày (các đêm đánh số 1..{last})",
)
CORRIDOR_DAYS_BEYOND_TRIP = Text(
    "itinerary.corridor_days_beyond_trip",
    en="corridor_legs: day(s) {late} beyond the {days}-day trip",
    vi="corridor_legs: ngày {late} vượt quá chuyến đi {days} ngày",
)

# ------------------------------------------------------------------------------- planner
PLAN_NO_MOTORHOME_NIGHT = Text(
    "plan.no_motorhome_night",
    en="no overnight place is suitable for a motorhome (motorhome_ok), and a multi-day "
    "motorhome trip needs one each night",
    vi="không có nơi nghỉ đêm nào phù hợp cho xe nhà di động (motorhome_ok), mà chuyến đi "
    "nhiều ngày bằng xe nhà di động cần một nơi như vậy mỗi đêm",
)
PLAN_DAY_IMPOSSIBLE = Text(
    "plan.day_impossible",
    en="day {day} is impossible: its window ({span}) or driving limits do not allow even "
    "the direct drive from {start} to {end} ({drive} to {target})",
    vi="ngày {day} không thể thực hiện: khung giờ ({span}) hoặc giới hạn lái xe không cho "
    "phép ngay cả chặng chạy thẳng từ {start} đến {end} ({drive} đến {target})",
)
PLAN_ANY_OVERNIGHT = Text(
    "plan.any_overnight", en="any allowed overnight place", vi="bất kỳ nơi nghỉ đêm được phép nào"
)
PLAN_NOTHING_REACHABLE = Text(
    "plan.nothing_reachable",
    en="no candidate stop can be reached on any day: the day windows are shorter than the "
    "drive to the nearest stop ({drive} from {start} on day 1)",
    vi="không ngày nào đến được điểm dừng ứng viên nào: khung giờ trong ngày ngắn hơn "
    "thời gian lái xe đến điểm gần nhất ({drive} từ {start} vào ngày 1)",
)
PLAN_MUST_VISIT_MISFIT = Text(
    "plan.must_visit_misfit",
    en="must-visit stop '{stop}' cannot be visited on any day, even alone: {why}",
    vi="điểm bắt buộc '{stop}' không thể ghé thăm vào ngày nào, kể cả khi chỉ đi riêng "
    "điểm đó: {why}",
)
PLAN_NO_NIGHT_CHAIN = Text(
    "plan.no_night_chain",
    en="no choice of overnight places lets every day reach the next one",
    vi="không có cách chọn nơi nghỉ đêm nào để mỗi ngày đều đi tiếp được sang ngày sau",
)
PLAN_WHY_DAY = Text("plan.why_day", en="day {day}: {why}", vi="ngày {day}: {why}")
PLAN_WHY_CLOSED = Text("plan.why_closed", en="closed", vi="đóng cửa")
PLAN_WHY_VISIT_TOO_LONG = Text(
    "plan.why_visit_too_long",
    en="the visit is longer than every opening window",
    vi="thời gian tham quan dài hơn mọi khung giờ mở cửa",
)
PLAN_WHY_CLOSES_EARLY = Text(
    "plan.why_closes_early",
    en="it closes before it can be reached",
    vi="nơi này đóng cửa trước khi có thể đến kịp",
)
PLAN_WHY_DRIVING_CAP = Text(
    "plan.why_driving_cap",
    en="the drive there and on ({drive}) exceeds the day's driving cap",
    vi="thời gian lái xe đến đó và đi tiếp ({drive}) vượt giới hạn lái xe trong ngày",
)
PLAN_WHY_CONTINUOUS = Text(
    "plan.why_continuous",
    en="it needs more continuous driving than the driver may do without a break",
    vi="cần lái xe liên tục lâu hơn mức tài xế được phép khi không nghỉ",
)
PLAN_WHY_WINDOW = Text(
    "plan.why_window",
    en="the visit does not fit in the day's window with the drive there and on",
    vi="chuyến tham quan cùng thời gian lái xe đến đó và đi tiếp không vừa khung giờ trong ngày",
)
PLAN_MULTIDAY_NEED_DAYS = Text(
    "plan.multiday_need_days",
    en="the multi-day visits ({stops}) need {total} days between them, or their days are "
    "closed; the trip has {days}",
    vi="các chuyến tham quan nhiều ngày ({stops}) cần tổng cộng {total} ngày, hoặc các ngày "
    "đó nơi tham quan đóng cửa; chuyến đi chỉ có {days} ngày",
)
PLAN_PIN = Text("plan.pin", en="{stop} from day {day}", vi="{stop} từ ngày {day}")
PLAN_PLACEMENT_FAILED = Text("plan.placement_failed", en="{where}: {why}", vi="{where}: {why}")
PLAN_MULTIDAY_UNPLACEABLE = Text(
    "plan.multiday_unplaceable",
    en="the multi-day visits cannot be placed on any day: {reasons}",
    vi="không xếp được các chuyến tham quan nhiều ngày vào ngày nào: {reasons}",
)
PLAN_NO_TIME_AROUND = Text(
    "plan.no_time_around",
    en="day {day} has no time left around the multi-day visit",
    vi="ngày {day} không còn thời gian quanh chuyến tham quan nhiều ngày",
)
HOURS_MINUTES = Text("plan.hours_minutes", en="{h} h {m:02d} min", vi="{h} giờ {m:02d} phút")

# ---------------------------------------------------------------------------------- tours
TOUR_NOT_FOUND = Text(
    "tour.not_found", en="No tour with slug '{slug}'.", vi="Không tìm thấy tour có slug '{slug}'."
)
PUBLISHED_TOUR_NOT_FOUND = Text(
    "tour.published_not_found",
    en="No published tour with slug '{slug}'.",
    vi="Không tìm thấy tour đã công bố có slug '{slug}'.",
)
TOUR_VERSION_NOT_FOUND = Text(
    "tour.version_not_found",
    en="Tour '{slug}' has no version {number} (it is at {current}).",
    vi="Tour '{slug}' không có phiên bản {number} (phiên bản hiện tại là {current}).",
)
TOUR_EXISTS = Text(
    "tour.exists",
    en="A tour with slug '{slug}' exists already.",
    vi="Đã có một tour với slug '{slug}'.",
)
DAYS_RANGE = Text(
    "tour.days_range",
    en="days_max {days_max} is below days_min {days_min}",
    vi="days_max {days_max} nhỏ hơn days_min {days_min}",
)
DAYS_OR_ITINERARY = Text(
    "tour.days_or_itinerary",
    en="give exactly one of days or from_itinerary",
    vi="hãy cung cấp đúng một trong hai: days hoặc from_itinerary",
)
NO_AGENCY = Text(
    "tour.no_agency",
    en="no agency with slug '{slug}'",
    vi="không có công ty lữ hành có slug '{slug}'",
)
NOT_LODGING = Text(
    "tour.not_lodging",
    en="'{slug}' is a {kind}, not lodging or a campsite",
    vi="'{slug}' thuộc kiểu {kind}, không phải nơi lưu trú hay khu cắm trại",
)
OPERATOR_ONE_OF = Text(
    "tour.operator_one_of",
    en="give exactly one of agency (an agency's tour) or province (an official tour)",
    vi="hãy cung cấp đúng một trong hai: agency (tour của công ty lữ hành) hoặc province "
    "(tour chính thức của tỉnh)",
)
THEMES_REPEAT = Text(
    "tour.themes_repeat", en="themes must not repeat", vi="các chủ đề không được lặp lại"
)
PRICE_RANGE = Text(
    "tour.price_range",
    en="price_max_vnd must not be below price_min_vnd",
    vi="price_max_vnd (giá cao nhất) không được nhỏ hơn price_min_vnd (giá thấp nhất)",
)
FIRST_DAY_NEEDS_STOP = Text(
    "tour.first_day_needs_stop",
    en="the first day needs at least one stop (where the tour starts)",
    vi="ngày đầu tiên cần ít nhất một điểm dừng (nơi tour bắt đầu)",
)
ARRIVES_BEFORE = Text(
    "tour.arrives_before",
    en="arrives at {arrival}, before {what} at {time}",
    vi="đến lúc {arrival}, trước khi {what} lúc {time}",
)
ARRIVES_BEFORE_DAY_START = Text(
    "tour.arrives_before_day_start",
    en="arrives at {arrival}, before the day starts at {time}; set start_time",
    vi="đến lúc {arrival}, trước giờ bắt đầu ngày lúc {time}; hãy đặt start_time",
)
LEAVING = Text("tour.leaving", en="leaving {place}", vi="rời {place}")
DEPARTS_BEFORE_ARRIVING = Text(
    "tour.departs_before_arriving",
    en="departs at {leave}, before arriving at {arrival}",
    vi="rời đi lúc {leave}, trước khi đến lúc {arrival}",
)
VISIT_PAST_MIDNIGHT = Text(
    "tour.visit_past_midnight",
    en="the visit ({minutes} min from {arrival}) would end after midnight; give depart, or "
    "continue the visit on the next day",
    vi="chuyến tham quan ({minutes} phút từ {arrival}) sẽ kết thúc sau nửa đêm; hãy đặt "
    "depart, hoặc tiếp tục tham quan vào ngày hôm sau",
)

# ------------------------------------------------------------------ versions and workflows
IF_MATCH_REQUIRED = Text(
    "version.if_match_required",
    en="Writes to {what} require If-Match with the ETag you last read (GET it first); this "
    "prevents overwriting someone else's change.",
    vi="Muốn ghi vào {what} cần gửi If-Match với ETag bạn đọc gần nhất (hãy GET trước); "
    "việc này tránh ghi đè thay đổi của người khác.",
)
IF_MATCH_STAR = Text(
    "version.if_match_star",
    en="If-Match: * does not protect against lost updates; send the ETag you last read.",
    vi="If-Match: * không chống được việc mất cập nhật; hãy gửi ETag bạn đọc gần nhất.",
)
VERSION_CHANGED = Text(
    "version.changed",
    en="{what} has changed since you read it (it is now at version {version}); GET it "
    "again, reapply your change and retry with the new ETag.",
    vi="Đã có thay đổi ở {what} kể từ lúc bạn đọc (nay là phiên bản {version}); hãy GET "
    "lại, áp dụng lại thay đổi của bạn và thử lại với ETag mới.",
)
CHANGED_MEANWHILE = Text(
    "version.changed_meanwhile",
    en="{what} was changed by someone else while this request ran; GET it again and retry "
    "with the new ETag.",
    vi="Người khác đã thay đổi {what} trong lúc yêu cầu này đang chạy; hãy GET lại và thử "
    "lại với ETag mới.",
)
CANNOT_STEP = Text(
    "workflow.cannot_step",
    en="Cannot {verb} {what}: it is {status}.",
    vi="Không thể {verb} {what}: đang ở trạng thái {status}.",
)
CANNOT_STEP_HINT = Text(
    "workflow.cannot_step_hint",
    en="Cannot {verb} {what}: it is {status}; {hint}.",
    vi="Không thể {verb} {what}: đang ở trạng thái {status}; {hint}.",
)
FINAL_STATUS = Text(
    "workflow.final_status",
    en="{What} is {status}; {note}.",
    vi="{What} đang ở trạng thái {status}; {note}.",
)
VERB_SUBMIT = Text("verb.submit", en="submit", vi="gửi duyệt")
VERB_PUBLISH = Text("verb.publish", en="publish", vi="công bố")
VERB_ARCHIVE = Text("verb.archive", en="archive", vi="lưu trữ")
VERB_REJECT = Text("verb.reject", en="reject", vi="từ chối")
VERB_WITHDRAW = Text("verb.withdraw", en="withdraw", vi="rút lại")
VERB_RESTORE = Text("verb.restore", en="restore", vi="khôi phục")
_VERBS = {
    "submit": VERB_SUBMIT,
    "publish": VERB_PUBLISH,
    "archive": VERB_ARCHIVE,
    "reject": VERB_REJECT,
    "withdraw": VERB_WITHDRAW,
    "restore": VERB_RESTORE,
}
VERB_OTHER = Text("verb.other", en="{verb}", vi="{verb}")


def verb_label(verb: str) -> Localized:
    """A workflow verb (``publish``) in words."""
    found = _VERBS.get(verb)
    return found if found is not None else VERB_OTHER(verb=verb)


STATUS_DRAFT = Text("status.draft", en="draft", vi="bản nháp")
STATUS_IN_REVIEW = Text("status.in_review", en="in_review", vi="chờ duyệt")
STATUS_PUBLISHED = Text("status.published", en="published", vi="đã công bố")
STATUS_ARCHIVED = Text("status.archived", en="archived", vi="đã lưu trữ")
STATUS_OTHER = Text("status.other", en="{status}", vi="{status}")
_STATUSES = {
    "draft": STATUS_DRAFT,
    "in_review": STATUS_IN_REVIEW,
    "published": STATUS_PUBLISHED,
    "archived": STATUS_ARCHIVED,
}


def status_label(status: str) -> Localized:
    """A workflow status (``in_review``): its value in English, in words in Vietnamese."""
    found = _STATUSES.get(status)
    return found if found is not None else STATUS_OTHER(status=status)


NAMED_SITE = Text("resource.site", en="site '{key}'", vi="địa điểm '{key}'")
NAMED_SITE_CAP = Text("resource.site_cap", en="Site '{key}'", vi="Địa điểm '{key}'")
NAMED_TOUR = Text("resource.tour", en="tour '{key}'", vi="tour '{key}'")
NAMED_TOUR_CAP = Text("resource.tour_cap", en="Tour '{key}'", vi="Tour '{key}'")
NAMED_SEGMENT = Text("resource.segment", en="road segment '{key}'", vi="đoạn đường '{key}'")
NAMED_SEGMENT_CAP = Text("resource.segment_cap", en="Road segment '{key}'", vi="Đoạn đường '{key}'")
SITES_ARCHIVED_NOT_EDITABLE = Text(
    "workflow.sites_archived_not_editable",
    en="archived sites cannot be edited",
    vi="địa điểm đã lưu trữ thì không sửa được",
)
SITE_HINT_DRAFT = Text(
    "workflow.site_hint_draft", en="submit it for review first", vi="hãy gửi duyệt trước"
)
HINT_PUBLISH_OR_ARCHIVE = Text(
    "workflow.hint_publish_or_archive",
    en="publish it, or archive it",
    vi="hãy công bố hoặc lưu trữ",
)
HINT_ARCHIVE_TO_WITHDRAW = Text(
    "workflow.hint_archive_to_withdraw",
    en="archive it to withdraw it",
    vi="hãy lưu trữ để gỡ xuống",
)
SITES_ARCHIVED_ARE_FINAL = Text(
    "workflow.sites_archived_final",
    en="archived sites are final",
    vi="địa điểm đã lưu trữ là trạng thái cuối cùng",
)
TOURS_ARCHIVED_NOT_EDITABLE = Text(
    "workflow.tours_archived_not_editable",
    en="archived tours cannot be edited",
    vi="tour đã lưu trữ thì không sửa được",
)
TOURS_ARCHIVED_ARE_FINAL = Text(
    "workflow.tours_archived_final",
    en="archived tours are final",
    vi="tour đã lưu trữ là trạng thái cuối cùng",
)
SEGMENTS_ARCHIVED_FINAL = Text(
    "workflow.segments_archived_final",
    en="archived segments are final",
    vi="đoạn đường đã lưu trữ là trạng thái cuối cùng",
)

# ------------------------------------------------------------------------------- accounts
AUTHENTICATION_REQUIRED = Text("auth.required", en="authentication required", vi="cần đăng nhập")
SEND_BEARER = Text(
    "auth.send_bearer",
    en="send 'Authorization: Bearer <token>'",
    vi="hãy gửi 'Authorization: Bearer <token>'",
)
TOKEN_MALFORMED = Text("auth.token_malformed", en="malformed token", vi="token sai định dạng")
TOKEN_INVALID = Text("auth.token_invalid", en="invalid token", vi="token không hợp lệ")
TOKEN_REVOKED = Text("auth.token_revoked", en="token has been revoked", vi="token đã bị thu hồi")
TOKEN_EXPIRED = Text("auth.token_expired", en="token has expired", vi="token đã hết hạn")
ADMINS_MAY_ALL = Text(
    "auth.admins_may_all", en="admins may do everything", vi="quản trị viên được làm mọi việc"
)
NO_RULE = Text(
    "auth.no_rule", en="no rule allows {action}", vi="không có quy tắc nào cho phép {action}"
)
APPLIES_TO_PROVINCE = Text(
    "auth.applies_to_province",
    en="{action} applies to a province's resources",
    vi="{action} chỉ áp dụng cho tài nguyên của một tỉnh",
)
AGENCIES_NO_AUDIT = Text(
    "auth.agencies_no_audit",
    en="agencies cannot read the audit log",
    vi="công ty lữ hành không được xem nhật ký thay đổi",
)
AGENCIES_NO_SITES = Text(
    "auth.agencies_no_sites",
    en="agencies cannot curate sites (they manage their own tours)",
    vi="công ty lữ hành không được biên tập địa điểm (họ chỉ quản lý tour của mình)",
)
CURATES = Text("auth.curates", en="{name} curates {code}", vi="{name} biên tập tỉnh {code}")
CURATES_NOT = Text(
    "auth.curates_not",
    en="{name} curates {own}, not {code}",
    vi="{name} biên tập tỉnh {own}, không phải {code}",
)
TOUR_WRITE_TOURS = Text(
    "auth.tour_write_tours",
    en="tour.write applies to tours",
    vi="tour.write chỉ áp dụng cho tour",
)
AGENCIES_OWN_TOURS = Text(
    "auth.agencies_own_tours",
    en="agencies manage their own tours",
    vi="công ty lữ hành quản lý tour của chính mình",
)
AGENCIES_ONLY_OWN_TOURS = Text(
    "auth.agencies_only_own_tours",
    en="agencies manage only their own agency's tours",
    vi="công ty lữ hành chỉ quản lý được tour của chính công ty mình",
)
MANAGES_OFFICIAL = Text(
    "auth.manages_official",
    en="{name} manages the official tours of {code}",
    vi="{name} quản lý các tour chính thức của tỉnh {code}",
)
MANAGES_ONLY_OFFICIAL = Text(
    "auth.manages_only_official",
    en="{name} manages only the official tours of {code}",
    vi="{name} chỉ quản lý các tour chính thức của tỉnh {code}",
)
SEGMENT_WRITE_SEGMENTS = Text(
    "auth.segment_write_segments",
    en="segment.write applies to road segments",
    vi="segment.write chỉ áp dụng cho đoạn đường",
)
AGENCIES_NO_SEGMENTS = Text(
    "auth.agencies_no_segments",
    en="agencies cannot curate road segments",
    vi="công ty lữ hành không được biên tập đoạn đường",
)
SEGMENT_ACROSS_BORDER = Text(
    "auth.segment_across_border",
    en="a road segment crossing a province border (or outside the provinces) is curated by "
    "admins only",
    vi="đoạn đường vượt qua ranh giới tỉnh (hoặc nằm ngoài các tỉnh) chỉ quản trị viên mới "
    "được biên tập",
)
CURATES_SEGMENTS = Text(
    "auth.curates_segments",
    en="{name} curates the road segments of {code}",
    vi="{name} biên tập các đoạn đường của tỉnh {code}",
)
AGENCY_SLUG_SHAPE = Text(
    "account.agency_slug_shape",
    en="an agency slug is lower-case words joined by '-'",
    vi="slug của công ty lữ hành gồm các từ viết thường nối bằng '-'",
)
PRINCIPAL_NAME_SHAPE = Text(
    "account.principal_name_shape",
    en="2–120 letters, digits or . _ @ + - (no spaces)",
    vi="2–120 ký tự gồm chữ, số hoặc . _ @ + - (không có dấu cách)",
)
PRINCIPAL_EXISTS = Text(
    "account.principal_exists",
    en="a principal named '{name}' exists already",
    vi="đã có tài khoản tên '{name}'",
)
TOKEN_DAYS_RANGE = Text(
    "account.token_days_range",
    en="a token lives 1 to 3650 days",
    vi="token có hiệu lực từ 1 đến 3650 ngày",
)
PRINCIPAL_NOT_FOUND = Text(
    "account.principal_not_found",
    en="no principal named '{name}'",
    vi="không có tài khoản tên '{name}'",
)
TOKEN_NOT_FOUND = Text(
    "account.token_not_found",
    en="no token with id or prefix '{key}'",
    vi="không có token với mã hoặc tiền tố '{key}'",
)

# -------------------------------------------------------------------- audit, health, console
AUDIT_RESOURCE_SHAPE = Text(
    "audit.resource_shape",
    en="expected TYPE or TYPE:ID with TYPE one of {types}",
    vi="cần TYPE hoặc TYPE:ID, với TYPE là một trong {types}",
)
DATABASE_NOT_READY = Text(
    "health.database_not_ready",
    en="database not ready ({error}); is it running and migrated?",
    vi="cơ sở dữ liệu chưa sẵn sàng ({error}); máy chủ CSDL đã chạy và đã migrate chưa?",
)
GRAPH_BUILDING = Text(
    "health.graph_building",
    en="the road graph is being built; retry in a few seconds",
    vi="đồ thị đường đang được dựng; hãy thử lại sau vài giây",
)
CONSOLE_NOT_BUILT = Text(
    "console.not_built",
    en="console not built: run make console (no {index} in {directory})",
    vi="giao diện chưa được build: hãy chạy make console (không có {index} trong {directory})",
)
CONSOLE_NO_ASSET = Text(
    "console.no_asset", en="no console asset '{name}'", vi="không có tệp giao diện '{name}'"
)
CONSOLE_NO_FAVICON = Text("console.no_favicon", en="no favicon", vi="không có biểu tượng trang")

# ----------------------------------------------------------------------- validation errors
# For a Pydantic error type missing below (English answers use Pydantic's message).
VALIDATION_INVALID = Text(
    "validation.invalid",
    en="invalid value (error type {type})",
    vi="giá trị không hợp lệ (mã lỗi {type})",
)

# Pydantic v2 error types → Vietnamese, filled from the error's ``ctx``.  English is
# Pydantic's own message (``msg``), so it reads exactly as Pydantic documents it.
VALIDATION_VI: dict[str, str] = {
    "missing": "bắt buộc phải có",
    "extra_forbidden": "không được phép có trường này",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên hợp lệ",
    "int_parsing_size": "số nguyên quá lớn",
    "int_from_float": "phải là số nguyên, không có phần thập phân",
    "float_type": "phải là số",
    "float_parsing": "phải là số hợp lệ",
    "finite_number": "phải là số hữu hạn",
    "decimal_type": "phải là số thập phân",
    "decimal_parsing": "phải là số thập phân hợp lệ",
    "bool_type": "phải là giá trị đúng/sai (true/false)",
    "bool_parsing": "phải là giá trị đúng/sai hợp lệ (true/false)",
    "string_type": "phải là chuỗi ký tự",
    "string_unicode": "phải là chuỗi Unicode hợp lệ",
    "string_too_short": "phải có ít nhất {min_length} ký tự",
    "string_too_long": "không được dài quá {max_length} ký tự",
    "string_pattern_mismatch": "không khớp mẫu '{pattern}'",
    "too_short": "phải có ít nhất {min_length} phần tử",
    "too_long": "không được có quá {max_length} phần tử",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "multiple_of": "phải là bội số của {multiple_of}",
    "enum": "phải là một trong các giá trị {expected}",
    "literal_error": "phải là {expected}",
    "list_type": "phải là danh sách",
    "tuple_type": "phải là bộ giá trị (tuple)",
    "set_type": "phải là tập hợp",
    "dict_type": "phải là đối tượng (object)",
    "model_type": "phải là đối tượng (object)",
    "model_attributes_type": "phải là đối tượng (object)",
    "dataclass_type": "phải là đối tượng (object)",
    "json_invalid": "JSON không hợp lệ",
    "json_type": "phải là chuỗi JSON",
    "date_type": "phải là ngày",
    "date_parsing": "phải là ngày hợp lệ theo định dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày hợp lệ theo định dạng YYYY-MM-DD",
    "date_from_datetime_inexact": "phải là ngày, không kèm giờ",
    "date_past": "phải là một ngày trong quá khứ",
    "date_future": "phải là một ngày trong tương lai",
    "time_type": "phải là giờ",
    "time_parsing": "phải là giờ hợp lệ theo định dạng HH:MM",
    "datetime_type": "phải là thời điểm (ngày và giờ)",
    "datetime_parsing": "phải là thời điểm hợp lệ theo ISO 8601",
    "datetime_from_date_parsing": "phải là thời điểm hợp lệ theo ISO 8601",
    "datetime_past": "phải là một thời điểm trong quá khứ",
    "datetime_future": "phải là một thời điểm trong tương lai",
    "timezone_naive": "không được kèm múi giờ",
    "timezone_aware": "phải kèm múi giờ",
    "timezone_offset": "múi giờ phải là {tz_expected}",
    "time_delta_type": "phải là khoảng thời gian",
    "time_delta_parsing": "phải là khoảng thời gian hợp lệ",
    "uuid_type": "phải là UUID",
    "uuid_parsing": "phải là UUID hợp lệ",
    "url_type": "phải là URL",
    "url_parsing": "phải là URL hợp lệ",
    "url_scheme": "giao thức URL phải là {expected_schemes}",
    "bytes_type": "phải là dữ liệu nhị phân",
    "bytes_too_short": "phải có ít nhất {min_length} byte",
    "bytes_too_long": "không được dài quá {max_length} byte",
    "union_tag_invalid": "giá trị '{tag}' của '{discriminator}' không hợp lệ; "
    "phải là {expected_tags}",
    "union_tag_not_found": "không tìm thấy trường phân loại '{discriminator}'",
    "none_required": "phải để trống (null)",
    "value_error": "giá trị không hợp lệ",
    "assertion_error": "giá trị không hợp lệ",
    "frozen_field": "trường này không được sửa",
    "frozen_instance": "không được sửa đối tượng này",
    "is_instance_of": "sai kiểu dữ liệu",
    "callable_type": "sai kiểu dữ liệu",
    "no_such_attribute": "không có thuộc tính này",
    "recursion_loop": "dữ liệu lồng nhau vô hạn",
    "missing_argument": "thiếu đối số bắt buộc",
    "unexpected_keyword_argument": "đối số không được hỗ trợ",
}
_OR = re.compile(r"(['\"]) or (['\"])")


def vi_expected(expected: str) -> str:
    """Pydantic's ``'a', 'b' or 'c'`` with the Vietnamese ``hoặc`` for ``or``."""
    return _OR.sub(r"\1 hoặc \2", expected)


# ----------------------------------------------------------------------------- field labels
# The API's field names in Vietnamese; an error names ``label (name)`` so that the machine
# name stays visible.  A name not listed here is written as it is.
FIELD_LABELS_VI: dict[str, str] = {
    "agency": "công ty lữ hành",
    "alternatives": "số tuyến thay thế",
    "arrive": "giờ đến",
    "avoid": "tránh",
    "bbox": "khung bao",
    "body": "thân yêu cầu",
    "cars": "số ô tô",
    "categories": "danh mục",
    "category": "danh mục",
    "code": "mã",
    "convoy": "đoàn xe",
    "coordinates": "tọa độ",
    "corridor": "hành lang",
    "corridor_legs": "chặng theo hành lang",
    "corridors": "hành lang",
    "cursor": "con trỏ phân trang",
    "datetime": "thời gian",
    "day_end": "giờ kết thúc ngày",
    "day_start": "giờ bắt đầu ngày",
    "days": "số ngày",
    "days_max": "số ngày tối đa",
    "days_min": "số ngày tối thiểu",
    "depart": "giờ rời đi",
    "description_en": "mô tả tiếng Anh",
    "description_vi": "mô tả tiếng Việt",
    "destinations": "điểm đến",
    "dinner": "bữa tối",
    "duration_min": "thời lượng (phút)",
    "earliest": "sớm nhất",
    "end": "điểm kết thúc",
    "exclude": "loại trừ",
    "f": "định dạng",
    "footprint": "phạm vi khu vực",
    "from": "điểm đi",
    "from_itinerary": "lịch trình gốc",
    "geometry": "hình học",
    "id": "mã",
    "If-Match": "If-Match",
    "interest_score": "mức độ hấp dẫn",
    "itinerary": "lịch trình",
    "kind": "kiểu",
    "latest": "muộn nhất",
    "limit": "số kết quả tối đa",
    "location": "vị trí",
    "lunch": "bữa trưa",
    "meals": "bữa ăn",
    "minutes": "số phút",
    "motorbikes": "số xe máy",
    "must_visit": "điểm bắt buộc",
    "name": "tên",
    "name_en": "tên tiếng Anh",
    "name_vi": "tên tiếng Việt",
    "near": "gần điểm",
    "night": "đêm",
    "nights_near": "nơi nghỉ đêm gần",
    "oneway": "một chiều",
    "opening_hours": "giờ mở cửa",
    "operator": "đơn vị tổ chức",
    "overnight": "nơi nghỉ đêm",
    "pace": "nhịp độ",
    "prefer": "hành lang ưu tiên",
    "preference": "tiêu chí tuyến đường",
    "price_max_vnd": "giá cao nhất (VNĐ)",
    "price_min_vnd": "giá thấp nhất (VNĐ)",
    "province": "tỉnh",
    "provinces": "các tỉnh",
    "q": "từ khóa",
    "radius_m": "bán kính (m)",
    "ref": "số hiệu đường",
    "resource": "tài nguyên",
    "road_class": "cấp đường",
    "seed": "hạt giống ngẫu nhiên",
    "since": "mốc đồng bộ",
    "site": "địa điểm",
    "slug": "slug",
    "sources": "điểm xuất phát",
    "start": "điểm xuất phát",
    "start_date": "ngày khởi hành",
    "start_time": "giờ bắt đầu",
    "status": "trạng thái",
    "stop_min": "thời gian mỗi lần dừng (phút)",
    "stops": "điểm dừng",
    "subtype": "loại",
    "summary_en": "tóm tắt tiếng Anh",
    "summary_vi": "tóm tắt tiếng Việt",
    "surface": "mặt đường",
    "theme": "chủ đề",
    "themes": "chủ đề",
    "time_limit_s": "thời gian tính toán (giây)",
    "title_en": "tiêu đề tiếng Anh",
    "title_vi": "tiêu đề tiếng Việt",
    "to": "điểm đến",
    "type": "loại",
    "vehicle": "phương tiện",
    "via": "điểm trung gian",
    "visit_duration_min": "thời gian tham quan (phút)",
    "within_km": "bán kính (km)",
}
_INDEX = re.compile(r"^\d+$|\[\d+\]$")


def field_label_vi(name: str) -> str | None:
    """The Vietnamese label of a field name (``days.0.stops.1.site``: that of ``site``)."""
    parts = [p for p in name.split(".") if p and not p.isdigit()]
    return FIELD_LABELS_VI.get(_INDEX.sub("", parts[-1])) if parts else None


@dataclass(frozen=True)
class FieldLabel:
    """A field's name for people: as it is in English, ``label (name)`` in Vietnamese."""

    name: str

    def render(self, lang: Lang) -> str:
        if lang == "vi":
            label = field_label_vi(self.name)
            if label is not None and label != self.name:
                return f"{label} ({self.name})"
        return self.name


@dataclass(frozen=True)
class ProvinceName:
    """A province (or any named thing) by its Vietnamese or English name."""

    name_vi: str
    name_en: str

    def render(self, lang: Lang) -> str:
        return self.name_vi if lang == "vi" else self.name_en
