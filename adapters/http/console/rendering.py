"""Templates, Chinese labels and time formatting for the console."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from adapters.http.console.event_fields import event_fields
from adapters.projection_runtime.readiness import view_alerts
from adapters.reference import rescue_methods
from domain.arrival import proof_label

STATUS_LABELS = {"received": "已接警", "notified": "已通知", "assigned": "已响应",
                 "arrived": "已到场", "released": "已解困", "closed": "已结案",
                 "cancelled": "已取消"}
EVENT_LABELS = {"AlarmReceived": "接警", "StationNotified": "通知救援站", "Escalated": "升级调度",
                "ResponderAssigned": "响应人接单", "ArrivedOnSite": "到达现场",
                "PassengersReleased": "救援完成/解困", "Cancelled": "取消(误报/重复)",
                "FaultReportFiled": "故障分析报告", "Closed": "结案", "TimeCorrected": "时间更正",
                "AlarmLinked": "重复报警并入", "CallbackConfirmed": "回访确认"}
ROLE_LABELS = {"admin": "管理员", "operator": "调度员", "unit": "维保单位", "auditor": "审计"}
BOARD = ("/console/board", "实时看板 Board")
READS = [("/console/search", "查询 Search"), ("/console/dynamics", "困人动态 Dynamics"),
         ("/console/overtime", "超时 Overtime"), ("/console/stats", "统计 Statistics"),
         ("/console/risk", "风险预警 Risk"),
         ("/console/reports/monthly", "月报 Reports"),
         ("/console/registry/lifts", "登记 Registry"), ("/console/data-gaps", "数据缺失 Data gaps")]
PASSWORD = ("/console/password", "修改密码 Password")
PROVINCE = ("/console/province", "省级视图 Province")  # never a unit's: other cities' figures
NAV = {
    "admin": [BOARD, ("/console/alarm", "人工接警 New alarm"), *READS, PROVINCE,
              ("/console/users", "用户 Users"), PASSWORD],
    "operator": [BOARD, ("/console/alarm", "人工接警 New alarm"), *READS, PROVINCE, PASSWORD],
    "unit": [("/console/board", "本单位工单 Our tickets"), *READS, PASSWORD],
    "auditor": [("/console/board", "工单 Board"), *READS, PROVINCE, PASSWORD],
}


def render(request: Request, name: str, **context) -> HTMLResponse:
    """A console page, with the signed-in user and their navigation."""
    principal = getattr(request.state, "principal", None)
    nav = NAV.get(principal.role, []) if principal else []
    return request.app.state.templates.TemplateResponse(
        request, name, {"principal": principal, "nav": nav, **context})


def build_templates(timezone: str) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
    zone = ZoneInfo(timezone)

    def local(value: datetime | str | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        try:
            return value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
        except (OverflowError, ValueError):  # stored before years were bounded (e.g. year 1)
            return value.isoformat()

    env = templates.env
    env.filters["local"] = local
    env.filters["fields"] = lambda data: event_fields(data, local)
    env.globals.update(status_label=lambda s: STATUS_LABELS.get(s, s),
                       event_label=lambda e: EVENT_LABELS.get(e, e),
                       role_label=lambda r: ROLE_LABELS.get(r, r))
    env.globals["view_alerts"] = view_alerts  # base.html: stalled-view banner for operators
    env.globals["rescue_methods"] = rescue_methods()  # _close_loop.html: code → 救援方法
    env.globals["proof_label"] = proof_label  # arrival proof (issue 17): 扫码到场 (qr_scan)
    return templates
