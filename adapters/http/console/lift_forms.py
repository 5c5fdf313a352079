"""Console lift forms → API bodies (the API's own schemas validate them), and why a form was
refused, per field, Chinese first (issue 15)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from adapters.http.registry_schemas import LiftPut, ServiceChange
from dispatch.errors import NotFound
from domain.errors import DomainError

FIELD_LABELS = {"rescue_code": "救援识别码", "address": "地址", "district": "区",
                "site_type": "场所类型", "location.lat": "纬度", "location.lng": "经度",
                "address_confirmed": "地址变更确认", "since": "日期", "name": "姓名",
                "mobile": "手机号", "using_unit.code": "使用单位代码",
                "using_unit.name": "使用单位名称", "codes": "所选电梯", "q": "关键字",
                "using_unit": "使用单位", "registration_code": "注册代码",
                "in_use_since": "使用登记日期"}


def field_errors(exc: Exception) -> dict[str, str]:
    """field → reason shown next to it ("_" for the form as a whole)."""
    if isinstance(exc, ValidationError):
        out = {}
        for e in exc.errors():
            field = ".".join(str(p) for p in e["loc"] if p not in ("body",))
            out[field] = f"{FIELD_LABELS.get(field, field)}格式不正确 ({e['msg']})"
        return out
    if isinstance(exc, NotFound):
        return {"_": f"未找到 (not found): {exc}"}
    if isinstance(exc, DomainError):
        return {exc.field or "_": exc.message}
    return {"_": str(exc)}


def lift_body(form: dict[str, str], lift: Any) -> LiftPut:
    """The edit form as a PUT body: the lift's unit stays; the safety manager is kept (the
    register and the bulk form change it)."""
    lat, lng = form.get("lat", ""), form.get("lng", "")
    return LiftPut.model_validate({
        "unit_id": lift.unit_id, "rescue_code": form.get("rescue_code") or None,
        "using_unit": {"code": form.get("using_unit_code", ""),
                       "name": form.get("using_unit_name", "")},
        "address": form.get("address", ""), "district": form.get("district", ""),
        "street": form.get("street") or None, "site_type": form.get("site_type") or None,
        "location": {"lat": lat, "lng": lng} if lat or lng else None,
        "in_use_since": form.get("in_use_since") or None,
        "address_confirmed": form.get("address_confirmed") == "on"})


def service_body(form: dict[str, str]) -> ServiceChange:
    """停用/恢复 date: the form's date input (empty: today is not assumed, it is asked for)."""
    return ServiceChange.model_validate({"since": form.get("since", "")})


def lift_values(lift: Any, timezone: str) -> dict[str, Any]:
    """The edit form's current values (the service date: today on the platform's clock)."""
    place = lift.location or {}
    return {"rescue_code": lift.rescue_code or "", "using_unit_code": lift.using_unit["code"],
            "using_unit_name": lift.using_unit["name"], "address": lift.address,
            "district": lift.district, "street": lift.street or "",
            "site_type": lift.site_type or "", "lat": place.get("lat", ""),
            "lng": place.get("lng", ""), "in_use_since": lift.in_use_since or "",
            "since": datetime.now(ZoneInfo(timezone)).date().isoformat()}
