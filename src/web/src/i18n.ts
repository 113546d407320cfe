// Every UI string in Vietnamese (default) and English. Elements carry data-i18n="key"
// (text), data-i18n-ph="key" (placeholder) or data-i18n-title="key"; setLang() rewrites
// them in place, so forms keep what was typed, and fires "langchange" for dynamic content.

export type Lang = "vi" | "en";

const STRINGS: Record<string, [string, string]> = {
  // [vi, en]
  "app.title": ["Tuyến du lịch Thanh – Nghệ – Tĩnh", "Thanh – Nghệ – Tĩnh tour planner"],
  "app.title.short": ["Du lịch Thanh – Nghệ – Tĩnh", "Thanh – Nghệ – Tĩnh tours"],
  "app.tagline": ["Ba địa phương, một điểm đến", "Three localities, one destination"],
  "nav.explore": ["Khám phá", "Explore"],
  "nav.route": ["Chỉ đường", "Route"],
  "nav.compose": ["Lập lịch trình", "Compose"],
  "nav.catalogue": ["Tour", "Tours"],
  "nav.curate": ["Biên tập", "Curate"],
  "lang.switch": ["English", "Tiếng Việt"],
  "lang.switch.title": ["Chuyển sang tiếng Anh", "Switch to Vietnamese"],
  "map.loading": ["Đang tải bản đồ…", "Loading the map…"],
  "map.nowebgl": [
    "Trình duyệt không hỗ trợ WebGL nên không vẽ được bản đồ; các chức năng khác vẫn dùng được.",
    "This browser has no WebGL, so the map cannot be drawn; everything else still works.",
  ],
  "map.legend": ["Chú giải", "Legend"],
  "map.roads": ["Trục đường", "Corridors"],
  "map.other_roads": ["Đường khác", "Other roads"],
  "map.sites": ["Điểm đến", "Sites"],
  "common.loading": ["Đang tải…", "Loading…"],
  "common.none": ["Không có", "None"],
  "common.any": ["Tất cả", "Any"],
  "common.close": ["Đóng", "Close"],
  "common.km": ["km", "km"],
  "common.min": ["phút", "min"],
  "common.h": ["giờ", "h"],
  "common.error": ["Lỗi", "Error"],
  "common.network_error": ["Không kết nối được máy chủ", "Cannot reach the server"],
  "common.no_results": ["Không tìm thấy kết quả", "No results"],
  "common.day": ["Ngày", "Day"],
  "common.unknown_road": ["(đường không tên)", "(unnamed road)"],
  // explore
  "explore.title": ["Khám phá điểm đến", "Explore the sites"],
  "explore.search": ["Tìm điểm đến (không cần dấu)…", "Search sites (accents optional)…"],
  "explore.province": ["Tỉnh", "Province"],
  "explore.category": ["Chủ đề", "Category"],
  "explore.kind": ["Loại", "Kind"],
  "explore.count": ["điểm đến trên bản đồ", "sites on the map"],
  "explore.layers": ["Lớp bản đồ", "Map layers"],
  "explore.stay_type": ["Loại chỗ nghỉ", "Type of stay"],
  "layer.attractions": ["Điểm tham quan", "Attractions"],
  "layer.stay": ["Chỗ nghỉ", "Places to stay"],
  "layer.fuel": ["Cây xăng", "Fuel"],
  "layer.meal": ["Ăn uống", "Meals"],
  "type.hotel": ["Khách sạn", "Hotel"],
  "type.motel": ["Nhà nghỉ ven đường (motel)", "Motel"],
  "type.guest_house": ["Nhà nghỉ", "Guest house"],
  "type.homestay": ["Homestay", "Homestay"],
  "type.hostel": ["Nhà trọ tập thể (hostel)", "Hostel"],
  "type.hut": ["Nhà chòi", "Hut"],
  "type.chalet": ["Nhà gỗ (chalet)", "Chalet"],
  "type.camp_site": ["Khu cắm trại", "Campsite"],
  "type.fuel": ["Cây xăng", "Fuel station"],
  "type.meal": ["Quán ăn", "Place to eat"],
  "site.hours": ["Giờ mở cửa", "Opening hours"],
  "site.hours_unknown": ["Chưa có thông tin", "Not known"],
  "site.visit": ["Thời gian tham quan", "Visit duration"],
  "site.province": ["Tỉnh", "Province"],
  "site.categories": ["Chủ đề", "Categories"],
  "site.ticket": ["Giá vé", "Ticket"],
  "site.ticket_free": ["Miễn phí", "Free"],
  "site.ticket_unknown": ["chưa rõ giá", "price unknown"],
  "site.type": ["Loại hình", "Type"],
  "site.generated_name": ["(tên tự đặt)", "(generated name)"],
  "site.generated_name_title": [
    "Địa điểm này không có tên riêng trong nguồn dữ liệu; tên do hệ thống tự đặt.",
    "This place has no name of its own in the source data; the name was generated.",
  ],
  "site.attribution": ["Dữ liệu", "Data"],
  "site.licence": ["Giấy phép", "Licence"],
  "site.plan_from": ["Đi từ đây", "Route from here"],
  "site.plan_to": ["Đi đến đây", "Route to here"],
  "site.source": ["Nguồn", "Source"],
  // kinds & categories & vehicles
  "kind.attraction": ["Điểm tham quan", "Attraction"],
  "kind.lodging": ["Lưu trú", "Lodging"],
  "kind.campsite": ["Cắm trại", "Campsite"],
  "kind.service": ["Dịch vụ", "Service"],
  "cat.heritage": ["Di sản", "Heritage"],
  "cat.revolutionary-history": ["Di tích cách mạng", "Revolutionary history"],
  "cat.nature": ["Thiên nhiên", "Nature"],
  "cat.beach": ["Biển", "Beach"],
  "cat.spiritual": ["Tâm linh", "Spiritual"],
  "cat.eco-community": ["Du lịch cộng đồng", "Eco-community"],
  "cat.mountain-adventure": ["Núi rừng, mạo hiểm", "Mountain adventure"],
  "cat.craft-village": ["Làng nghề", "Craft village"],
  "cat.museum": ["Bảo tàng", "Museum"],
  "cat.city-landmark": ["Địa danh đô thị", "City landmark"],
  "veh.car": ["Ô tô", "Car"],
  "veh.coach": ["Xe khách", "Coach"],
  "veh.motorbike": ["Xe máy", "Motorbike"],
  "veh.motorhome": ["Xe nhà di động (motorhome)", "Motorhome"],
  "veh.convoy": ["Đoàn caravan tự lái", "Self-drive caravan"],
  "pref.fastest": ["Nhanh nhất", "Fastest"],
  "pref.shortest": ["Ngắn nhất", "Shortest"],
  "pref.scenic": ["Đẹp nhất", "Most scenic"],
  // route
  "route.title": ["Tìm đường", "Plan a route"],
  "route.from": ["Điểm đi", "From"],
  "route.to": ["Điểm đến", "To"],
  "route.via": ["Qua (cách nhau bởi ;)", "Via (separate with ;)"],
  "route.ph": ["Tên, mã (slug) hoặc kinh độ,vĩ độ", "Name, slug or lon,lat"],
  "route.mapclick": [
    "Mẹo: bấm lên bản đồ để chọn địa điểm cho ô đang chọn.",
    "Tip: click the map to pick the place for the focused field.",
  ],
  "route.vehicle": ["Phương tiện", "Vehicle"],
  "route.preference": ["Ưu tiên", "Preference"],
  "route.avoid": ["Tránh", "Avoid"],
  "route.avoid.toll": ["Đường thu phí", "Tolls"],
  "route.avoid.expressway": ["Cao tốc", "Expressways"],
  "route.avoid.unpaved": ["Đường đất", "Unpaved roads"],
  "route.submit": ["Tìm đường", "Find route"],
  "route.distance": ["Quãng đường", "Distance"],
  "route.duration": ["Thời gian", "Duration"],
  "route.best": ["Tuyến tốt nhất", "Best route"],
  "route.alternatives": ["Phương án khác", "Alternatives"],
  "route.avoiding": ["tránh", "avoiding"],
  "route.breakdown": ["Chi tiết", "Breakdown"],
  "route.by_road": ["Theo số hiệu đường", "By road"],
  "route.by_corridor": ["Theo trục đường", "By corridor"],
  "route.by_province": ["Theo tỉnh", "By province"],
  "route.need_ends": ["Hãy nhập điểm đi và điểm đến", "Enter where from and where to"],
  // compose
  "compose.title": ["Lập lịch trình nhiều ngày", "Compose a multi-day itinerary"],
  "compose.template": ["Tải tour được quảng bá", "Load a promoted tour"],
  "compose.template.none": ["— chọn tour —", "— choose a tour —"],
  "compose.start": ["Xuất phát", "Start"],
  "compose.end": ["Kết thúc (để trống: quay về)", "End (empty: back to start)"],
  "compose.date": ["Ngày đi", "Start date"],
  "compose.days": ["Số ngày", "Days"],
  "compose.must": ["Nhất định ghé (tên hoặc mã, cách nhau bởi ;)", "Must visit (names or slugs, separated by ;)"],
  "compose.themes": ["Chủ đề yêu thích", "Themes"],
  "compose.overnight": ["Nghỉ đêm tại", "Overnight in"],
  "compose.overnight.default": ["Khách sạn hoặc homestay", "Hotel or homestay"],
  "compose.overnight.hotel": ["Khách sạn", "Hotel"],
  "compose.overnight.homestay": ["Homestay", "Homestay"],
  "compose.overnight.campsite": ["Khu cắm trại", "Campsite"],
  "compose.pace": ["Nhịp độ", "Pace"],
  "pace.relaxed": ["Thong thả", "Relaxed"],
  "pace.normal": ["Bình thường", "Normal"],
  "pace.intense": ["Dày đặc", "Intense"],
  "compose.corridor": ["Ưu tiên trục đường", "Prefer a corridor"],
  "compose.corridor_days": ["vào các ngày (vd 1,2)", "on days (e.g. 1,2)"],
  "compose.convoy": ["Đoàn caravan tự lái", "Self-drive caravan (convoy)"],
  "compose.convoy_hint": [
    "Một đoàn xe riêng đi cùng nhau: dừng tập trung, đổ xăng theo đoàn; phương tiện tính là ô tô.",
    "A convoy of private vehicles travelling together: regroup and refuel stops; routed as cars.",
  ],
  "compose.convoy_cars": ["Số ô tô", "Cars"],
  "compose.convoy_motorbikes": ["Số xe máy", "Motorbikes"],
  "compose.meals": ["Bữa ăn", "Meals"],
  "compose.lunch": ["Ăn trưa (11:00–13:30)", "Lunch (11:00–13:30)"],
  "compose.dinner": ["Ăn tối (18:00–20:30)", "Dinner (18:00–20:30)"],
  "compose.submit": ["Lập lịch trình", "Compose"],
  "compose.working": ["Đang tính lịch trình…", "Composing…"],
  "compose.totals": ["Tổng cộng", "Totals"],
  "compose.visits": ["điểm tham quan", "visits"],
  "compose.driving": ["lái xe", "driving"],
  "compose.overnight_at": ["Nghỉ đêm", "Overnight"],
  "compose.no_overnight": ["Chưa có nơi nghỉ phù hợp: nghỉ gần điểm cuối ngày", "No suitable lodging: stay near the day's last stop"],
  "compose.arrive_end": ["Đến nơi", "Arrive"],
  "compose.depart": ["Khởi hành", "Depart"],
  "compose.unplaced": ["Không xếp được", "Could not be placed"],
  "compose.convoy_summary": ["Đoàn", "Convoy"],
  "compose.convoy_cars_n": ["ô tô", "cars"],
  "compose.convoy_motorbikes_n": ["xe máy", "motorbikes"],
  "compose.convoy_factor": ["thời gian lái ×", "driving time ×"],
  "break.fuel": ["Đổ xăng", "Fuel stop"],
  "break.meal": ["Bữa ăn", "Meal"],
  "break.regroup": ["dừng tập trung đoàn", "regroup"],
  "break.refuel": ["đổ xăng", "refuel"],
  "break.lunch": ["ăn trưa", "lunch"],
  "break.dinner": ["ăn tối", "dinner"],
  "break.off_route": ["lệch khỏi tuyến", "off the route"],
  "compose.skipped": ["Bỏ qua", "Skipped"],
  "compose.exports": ["Tải về", "Export"],
  "compose.save": ["Lưu thành tour", "Save as tour"],
  "compose.save_hint": [
    "Đăng nhập (mục Biên tập) bằng tài khoản đại lý hoặc biên tập viên để lưu thành tour.",
    "Sign in (Curate) as an agency or a curator to save this as a tour.",
  ],
  "compose.saved": ["Đã lưu tour", "Tour saved"],
  "tour.slug": ["Mã tour (slug)", "Tour slug"],
  "tour.title_vi": ["Tên tiếng Việt", "Vietnamese title"],
  "tour.title_en": ["Tên tiếng Anh", "English title"],
  "tour.operator_province": ["Tỉnh vận hành", "Operating province"],
  // catalogue
  "cat.title": ["Danh mục tour", "Tour catalogue"],
  "cat.q": ["Tìm tour…", "Search tours…"],
  "cat.theme": ["Chủ đề", "Theme"],
  "cat.days": ["ngày", "days"],
  "cat.operator": ["Đơn vị", "Operator"],
  "cat.count": ["tour", "tours"],
  "cat.back": ["← Danh mục", "← Catalogue"],
  "cat.price": ["Giá", "Price"],
  "cat.price_unknown": ["Liên hệ", "On request"],
  "cat.compose_from": ["Mở trong trình lập lịch", "Open in the composer"],
  // curate
  "cur.title": ["Biên tập điểm đến", "Curate sites"],
  "cur.token": ["Mã truy cập (bearer token)", "Access token (bearer)"],
  "cur.token_ph": ["trt_…", "trt_…"],
  "cur.sign_in": ["Đăng nhập", "Sign in"],
  "cur.sign_out": ["Đăng xuất", "Sign out"],
  "cur.signed_in": ["Đã đăng nhập", "Signed in as"],
  "cur.need_token": [
    "Dán mã truy cập do quản trị viên cấp (tourroute accounts issue-token). Mã chỉ lưu trong tab này.",
    "Paste the token an admin issued (tourroute accounts issue-token). It is kept in this tab only.",
  ],
  "cur.agency_no_sites": [
    "Tài khoản đại lý không biên tập điểm đến; hãy dùng mục Lập lịch trình để lưu tour.",
    "Agency accounts do not curate sites; use Compose to save tours.",
  ],
  "cur.new": ["+ Điểm mới", "+ New site"],
  "cur.filter_status": ["Trạng thái", "Status"],
  "cur.sites": ["Điểm đến của tỉnh", "Sites of the province"],
  "cur.select": ["Chọn một điểm để sửa, hoặc tạo điểm mới.", "Pick a site to edit, or create one."],
  "st.draft": ["Nháp", "Draft"],
  "st.in_review": ["Chờ duyệt", "In review"],
  "st.published": ["Đã đăng", "Published"],
  "st.archived": ["Lưu trữ", "Archived"],
  "f.slug": ["Mã (slug)", "Slug"],
  "f.name_vi": ["Tên tiếng Việt", "Vietnamese name"],
  "f.name_en": ["Tên tiếng Anh", "English name"],
  "f.description_vi": ["Mô tả tiếng Việt", "Vietnamese description"],
  "f.description_en": ["Mô tả tiếng Anh", "English description"],
  "f.province": ["Tỉnh", "Province"],
  "f.district": ["Huyện", "District"],
  "f.kind": ["Loại", "Kind"],
  "f.subtype": ["Loại hình (chỗ nghỉ, dịch vụ)", "Type (stay, service)"],
  "f.categories": ["Chủ đề", "Categories"],
  "f.opening_hours": ["Giờ mở cửa (cú pháp OSM)", "Opening hours (OSM syntax)"],
  "f.visit_duration_min": ["Thời gian tham quan (phút)", "Visit duration (min)"],
  "f.interest_score": ["Điểm hấp dẫn (0–100)", "Interest score (0–100)"],
  "f.ticket_price_vnd": ["Giá vé (VND)", "Ticket price (VND)"],
  "f.coord_confidence": ["Độ tin cậy toạ độ", "Coordinate confidence"],
  "f.coach_parking": ["Có bãi đỗ xe khách", "Coach parking"],
  "f.motorhome_parking": ["Có chỗ đỗ xe nhà di động (motorhome)", "Motorhome parking"],
  "f.motorhome_overnight": ["Xe nhà di động (motorhome) nghỉ đêm được", "Motorhome overnight stay"],
  "f.motorbike_only_access": ["Chỉ xe máy vào được", "Motorbike-only access"],
  "f.source": ["Nguồn dữ liệu", "Source"],
  "f.location": ["Vị trí (kinh độ, vĩ độ)", "Location (lon, lat)"],
  "f.lon": ["Kinh độ", "Longitude"],
  "f.lat": ["Vĩ độ", "Latitude"],
  "f.drag": ["Kéo ghim trên bản đồ (hoặc bấm bản đồ) để đặt vị trí.", "Drag the pin on the map (or click the map) to place it."],
  "cur.save": ["Lưu", "Save"],
  "cur.create": ["Tạo bản nháp", "Create draft"],
  "cur.submit": ["Gửi duyệt", "Submit for review"],
  "cur.publish": ["Đăng", "Publish"],
  "cur.archive": ["Lưu trữ", "Archive"],
  "cur.status": ["Trạng thái", "Status"],
  "cur.version": ["Phiên bản", "Version"],
  "cur.saved": ["Đã lưu", "Saved"],
  "cur.created": ["Đã tạo bản nháp", "Draft created"],
  "cur.nochange": ["Không có thay đổi", "Nothing changed"],
  "cur.transitioned": ["Đã chuyển trạng thái", "Status changed"],
  "cur.forbidden": ["Không có quyền", "Not allowed"],
  "cur.conflict": ["Xung đột: người khác đã sửa điểm này", "Conflict: someone else changed this site"],
  "cur.conflict_help": [
    "Bản trên máy chủ đã thay đổi từ khi bạn mở. Các trường khác nhau được tô màu.",
    "The server's copy changed since you opened it. Differing fields are highlighted.",
  ],
  "cur.field": ["Trường", "Field"],
  "cur.mine": ["Của tôi", "Mine"],
  "cur.theirs": ["Trên máy chủ", "On the server"],
  "cur.reapply": ["Áp lại thay đổi của tôi lên bản mới và lưu", "Reapply my changes onto the new version and save"],
  "cur.discard": ["Bỏ thay đổi của tôi", "Discard my changes"],
  "cur.audit": ["Lịch sử thay đổi", "Audit trail"],
  "cur.audit_none": ["Chưa có thay đổi nào được ghi", "Nothing recorded yet"],
  "cur.audit_fields": ["các trường", "fields"],
  "cur.workflow": ["Quy trình", "Workflow"],
  // turn-by-turn directions (directions.ts)
  "dir.title": ["Chỉ dẫn từng chặng", "Directions"],
  "dir.leg": ["Chặng", "Leg"],
  "dir.show": ["Xem chỗ này trên bản đồ", "Show this place on the map"],
  // place names, the list order, the timeline's legs, the catalogue map (issue 16 item 5)
  "place.near": ["gần {place}", "near {place}"],
  "place.coords": ["{lat}°B, {lon}°Đ", "{lat}°N, {lon}°E"],
  "place.trip_title": ["Hành trình {days} ngày từ {place}", "{days}-day trip from {place}"],
  "explore.sort": ["Sắp xếp", "Sort"],
  "explore.sort.interest": ["Hấp dẫn nhất", "Most interesting"],
  "explore.sort.name": ["Theo tên (A–Z)", "By name (A–Z)"],
  "compose.last_drive": ["Chặng cuối ngày", "Last drive of the day"],
  "cat.map_note": ["Bản đồ: lộ trình của các tour (A = điểm xuất phát)", "Map: the tours' routes (A = start)"],
};

let current: Lang = "vi";

export function lang(): Lang {
  return current;
}

export function t(key: string, l: Lang = current): string {
  const entry = STRINGS[key];
  if (!entry) return key;
  return l === "vi" ? entry[0] : entry[1];
}

export function hasKey(key: string): boolean {
  return key in STRINGS;
}

/** Re-translate every tagged element under root. */
export function translate(root: ParentNode = document): void {
  root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((el) => {
    el.textContent = t(el.dataset.i18n!);
  });
  root.querySelectorAll<HTMLInputElement>("[data-i18n-ph]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPh!);
  });
  root.querySelectorAll<HTMLElement>("[data-i18n-title]").forEach((el) => {
    el.title = t(el.dataset.i18nTitle!);
  });
}

export function setLang(next: Lang): void {
  current = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem("tourroute.lang", next);
  } catch {
    /* private mode */
  }
  translate();
  window.dispatchEvent(new CustomEvent("langchange", { detail: next }));
}

export function initLang(): void {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem("tourroute.lang");
  } catch {
    saved = null;
  }
  current = saved === "en" ? "en" : "vi";
  document.documentElement.lang = current;
}

/** A site's, tour's or corridor's name (or another `<base>_vi`/`<base>_en` pair) in the current language. */
export function pick(obj: object | null | undefined, base = "name"): string {
  if (!obj) return "";
  const fields = obj as Record<string, unknown>;
  const text = (key: string): string => {
    const v = fields[key];
    return typeof v === "string" ? v : "";
  };
  const vi = text(`${base}_vi`);
  const en = text(`${base}_en`);
  return (current === "vi" ? vi || en : en || vi) || text(base);
}

export function fmtKm(m: number): string {
  const km = m / 1000;
  return `${km >= 100 ? km.toFixed(0) : km.toFixed(1)} km`;
}

export function fmtDuration(s: number): string {
  const total = Math.round(s / 60);
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return `${m} ${t("common.min")}`;
  return `${h} ${t("common.h")} ${String(m).padStart(2, "0")}`;
}

export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const m = /T(\d{2}:\d{2})/.exec(iso);
  return m ? m[1] : iso;
}
