"""GET /v1/lifts/qr-sheet?using_unit_code=: a printable A4 sheet of QR labels (PDF), one per
lift of a using unit — QR to the lift's public page, its registration code and 96333.

PDF through WeasyPrint (Debian's Pango) with the CJK font fonts-wqy-microhei, like the
monthly reports; see .ci/run and the Dockerfile."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from adapters.http.deps import CurrentUnitScope, RegistryQueriesDep, SettingsDep
from adapters.http.public.deps import qr_code
from dispatch.errors import NotFound

router = APIRouter(prefix="/v1", tags=["registry"])
MAX_LABELS = 2000  # a using unit (one estate) has tens of lifts; this is a guard, not a page
UsingUnitCode = Annotated[str, Query(min_length=1, max_length=64,
                                     description="The using unit (使用单位) whose lifts to label")]


def label_sheet_html(request: Request, codes: list[str], using_unit_code: str,
                     public_base_url: str) -> str:
    labels = [{"registration_code": code,
               "qr": qr_code(public_base_url, code).svg_data_uri(scale=4, border=2)}
              for code in codes]
    return request.app.state.templates.get_template("public_labels.html").render(
        labels=labels, using_unit_code=using_unit_code)


@router.get("/lifts/qr-sheet", responses={200: {"content": {"application/pdf": {}}}})
def qr_sheet(request: Request, using_unit_code: UsingUnitCode, scope: CurrentUnitScope,
             queries: RegistryQueriesDep, settings: SettingsDep) -> Response:
    """QR labels for every lift of a using unit (a unit user: only its own lifts), as a PDF."""
    from weasyprint import HTML  # imported on use: loading Pango costs about a second

    lifts = queries.lifts({"unit_id": scope, "using_unit_code": using_unit_code},
                          MAX_LABELS, None)
    if not lifts:  # the same answer for another unit's lifts: nothing is disclosed
        raise NotFound(f"使用单位 {using_unit_code} 无电梯 (no lifts of using unit "
                       f"{using_unit_code})")
    html = label_sheet_html(request, [lift["registration_code"] for lift in lifts],
                            using_unit_code, settings.public_base_url)
    pdf = HTML(string=html).write_pdf()
    safe = "".join(ch for ch in using_unit_code if ch.isascii() and (ch.isalnum() or ch in "-_"))
    return Response(pdf, media_type="application/pdf", headers={  # the name: ASCII, no quotes
        "Content-Disposition": f'attachment; filename="qr-labels-{safe or "lifts"}.pdf"'})
