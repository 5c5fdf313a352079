"""The data-gaps page's registry lists as one htmx fragment (issue 15): the counts as a chart,
every row a link to the form that fixes it; the page re-fetches it when a form saves."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from adapters.http.console.charts import bar_chart
from adapters.http.console.rendering import render
from adapters.http.console.session import ConsoleScope
from adapters.http.deps import RegistryCaughtUp, RegistryQueriesDep

router = APIRouter(prefix="/console/data-gaps", include_in_schema=False)
# The chart's bars, in the lists' order (the lists' headings are in _data_gap_lists.html).
BARS = {"missing_safety_manager": "缺安全管理员 No manager",
        "missing_site_type": "缺场所类型 No site type",
        "unbound_lifts": "未绑定救援站 Unbound",
        "stations_without_workers": "救援站无人员 No workers",
        "unit_missing_rescue_info": "单位缺救援信息 No info",
        "units_without_station": "单位无救援站 No station",
        "safety_managers_without_mobile": "管理员缺手机 No mobile"}  # ≤ 18 characters


def gap_chart(gaps: dict[str, list[Any]]) -> str:
    """Counts of every registry gap as one wide bar chart (zeros included)."""
    return bar_chart([(label, len(gaps.get(key) or [])) for key, label in BARS.items()],
                     "待补充数据 Data gaps by kind", " 项")


@router.get("/lists")
def gap_lists(request: Request, scope: ConsoleScope, registry: RegistryQueriesDep,
              _: RegistryCaughtUp) -> HTMLResponse:
    """The registry gap lists and their chart (`?after=`: once the view has caught up)."""
    gaps = registry.data_gaps(scope)
    return render(request, "_data_gap_lists.html", gaps=gaps, gap_chart=gap_chart(gaps))
