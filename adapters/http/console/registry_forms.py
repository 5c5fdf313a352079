"""Console registry forms (issue 15): the API's own bodies and rules, each reason shown beside
its field (中文 (English)), all checked before anything is saved, and htmx saves that tell the
page to refresh what depends on the registry (the `registry-saved` event)."""

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from adapters.http.auth import EDITORS
from adapters.http.console.rendering import render
from dispatch.errors import NotFound, VersionMismatch
from domain.errors import DomainError

READ_ONLY = "无权修改登记信息 (read-only role)"
SAVED = "已保存 (saved)"
# A form opened before someone else saved the same record (its hidden `version` is stale).
STALE = ("打开表单后此记录已被他人修改：请核对后再保存，再次保存将覆盖对方的修改 "
         "(someone else changed this record since the form was opened: check, then save "
         "again to replace their change)")
# Where a reason about a body's field is shown on the form (longest prefix wins).
FORM_FIELDS = {"emergency_lead.name": "lead_name", "emergency_lead.mobile": "lead_mobile",
               "emergency_lead": "lead_name", "lead.name": "lead_name",
               "lead.mobile": "lead_mobile", "lead": "lead_name", "coverage.districts":
               "districts", "coverage.streets": "streets", "coverage": "districts",
               "worker.name": "workers.0.name", "worker.mobile": "workers.0.mobile"}
PYDANTIC_ZH = {"missing": "必填", "string_too_short": "必填", "too_short": "至少选择一项",
               "too_long": "选择过多", "string_too_long": "过长",
               "string_pattern_mismatch": "格式不正确", "extra_forbidden": "不认识的字段"}
MOBILE_ZH = "应为 13-19 开头的 11 位手机号"


def form_field(path: str) -> str:
    """The form input a body field's reason belongs to (`workers.1.mobile` stays itself)."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        found = FORM_FIELDS.get(".".join(parts[:end]))
        if found:
            return found
    return path


def _pydantic_reasons(exc: ValidationError, prefix: str = "") -> dict[str, str]:
    reasons: dict[str, str] = {}
    for error in exc.errors():
        path = prefix + ".".join(str(p) for p in error["loc"])
        zh = MOBILE_ZH if path.endswith("mobile") and error["type"] == \
            "string_pattern_mismatch" else PYDANTIC_ZH.get(error["type"], "无效")
        reasons.setdefault(form_field(path), f"{zh} ({error['msg']})")
    return reasons


def field_errors(exc: Exception, prefix: str = "") -> dict[str, str]:
    """input name → why it was refused; "" holds a reason no input owns."""
    if isinstance(exc, ValidationError):
        return _pydantic_reasons(exc, prefix)
    if isinstance(exc, DomainError):
        return {form_field(exc.field) if exc.field else "": exc.message}
    return {"": str(exc)}


def checked(bodies: list[tuple[str, Callable[[], BaseModel]]]) -> list[BaseModel]:
    """Every body built (prefix, builder), or FormInvalid with every reason of every body."""
    built, reasons = [], {}
    for prefix, build in bodies:
        try:
            built.append(build())
        except ValidationError as exc:
            reasons.update(_pydantic_reasons(exc, prefix))
    if reasons:
        raise FormInvalid(reasons)
    return built


class FormInvalid(Exception):
    """Reasons by input name, for the form to show beside each input."""

    def __init__(self, reasons: dict[str, str]):
        super().__init__("; ".join(reasons.values()))
        self.reasons = reasons


async def form_values(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """A posted form: single values (trimmed) and every multi-valued list."""
    form = await request.form()
    single = {k: str(v).strip() for k, v in form.items()}
    return single, {k: [str(v).strip() for v in form.getlist(k)] for k in form}


def seen_version(values: dict[str, str]) -> int | None:
    """The record's version the form was opened at (None: not given, nothing checked)."""
    version = values.get("version", "")
    return int(version) if version.isascii() and version.isdigit() else None


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def form_response(request: Request, page: str, fragment: str, status: int = 200,
                  **context: Any) -> HTMLResponse:
    """The form alone for htmx, else the whole page around it."""
    response = render(request, fragment if is_htmx(request) else page, fragment=fragment,
                      **context)
    response.status_code = status
    return response


async def save(request: Request, principal: Any, wait: Callable[[int], bool], back: str,
               change: Callable[[], int | None],
               shown: Callable[[dict[str, str], str | None, int], HTMLResponse]) -> Response:
    """Run one registry change for a form. Saved: wait for the registry view (≤ 2 s), then the
    form with a notice and `registry-saved` for htmx, or a redirect to `back`. Refused: the form
    again with the reasons (403 read-only, 404 not found or another unit's; 200 bad input, so
    htmx shows it in place)."""
    if principal.role not in EDITORS:
        return shown({"": READ_ONLY}, None, 403)
    try:
        nid = await run_in_threadpool(change)
    except NotFound as exc:
        return shown({"": f"未找到 (not found): {exc}"}, None, 404)
    except VersionMismatch:  # 200 like bad input: htmx shows it in place
        return shown({"": STALE}, None, 200)
    except FormInvalid as exc:
        return shown(exc.reasons, None, 200)
    except (DomainError, ValidationError) as exc:
        return shown(field_errors(exc), None, 200)
    if nid:
        await run_in_threadpool(wait, nid)
    if not is_htmx(request):
        return RedirectResponse(back, status_code=303)
    response = shown({}, SAVED, 200)
    response.headers["HX-Trigger"] = json.dumps({"registry-saved": {"after": nid}})
    return response
