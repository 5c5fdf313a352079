"""Contacts and codes: validated value types shared by registry aggregates."""

import re
from typing import Any

from domain.errors import InvalidValue
from domain.values import MOBILE, REGISTRATION_CODE, RESCUE_CODE

MASKED_MOBILE = re.compile(r"^1[3-9]\d\*{4}\d{4}$")


def contact(value: dict[str, Any] | None, field: str) -> dict[str, str] | None:
    """A person to call: {name, mobile}, the mobile a mainland mobile number; or, as the
    registry application seals it (issue 14), {name, mobile: masked, mobile_ref}."""
    if value is None:
        return None
    name, mobile = str(value.get("name", "")).strip(), str(value.get("mobile", "")).strip()
    if not name:
        raise InvalidValue(f"{field}.name is required", zh=f"{field}.name 必填",
                           field=f"{field}.name")
    ref = value.get("mobile_ref")
    if ref and MASKED_MOBILE.match(mobile):  # the full number is in the personal-data store
        return {"name": name, "mobile": mobile, "mobile_ref": str(ref)}
    if not MOBILE.match(mobile):
        raise InvalidValue(f"{field}.mobile must be 11 digits starting 13-19",
                           zh=f"{field}.mobile 应为 13-19 开头的 11 位手机号",
                           field=f"{field}.mobile")
    return {"name": name, "mobile": mobile}


def registration_code(code: str, field: str = "registration_code") -> str:
    if not REGISTRATION_CODE.match(code or ""):
        raise InvalidValue("registration code must be 20 digits", zh="注册代码应为 20 位数字",
                           field=field)
    return code


def rescue_code(code: str | None) -> str | None:
    if code is not None and not RESCUE_CODE.match(code):
        raise InvalidValue("rescue code must be 6 digits", zh="救援识别码应为 6 位数字",
                           field="rescue_code")
    return code


def one_of(value: str | None, allowed: list[str], field: str) -> str | None:
    if value is not None and value not in allowed:
        raise InvalidValue(f"{field} must be one of: {', '.join(allowed)}",
                           zh=f"{field} 应为以下之一：{'、'.join(allowed)}", field=field)
    return value
