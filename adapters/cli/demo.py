"""`liftrescue dev --demo`: a district (4 units, 9 stations, 300 lifts), 30 days of history and
a handful of live tickets in every state, so a new operator can open any console page and
handle a ticket end to end. Seeds once per database, deterministically."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.bootstrap import Services
from adapters.cli.demo_history import COMMANDS, CTX, seed_history
from dispatch.commands import ReceiveAlarm
from dispatch.errors import NotFound
from domain.registry.lift import Lift
from domain.registry.rescue_code import RescueCodeClaim

LEAD = {"name": "陈经理", "mobile": "13800138000"}
SITE_TYPES = ["住宅小区", "办公楼", "商场超市", "医院"]
LIFTS = 300  # 1-9 are the hand-made ones below (with their data gaps); the rest are bulk
# More stations, so the district has three per unit: (unit, name, district, worker).
MORE_STATIONS = [("anda", "安达南山二站", "南山区", ("陈师傅", "13912345680")),
                 ("pengcheng", "鹏城宝安二站", "宝安区", ("吴师傅", "13312345672")),
                 ("pengcheng", "鹏城龙华站", "龙华区", ("郑师傅", "13312345673")),
                 ("yuehai", "粤海罗湖站", "罗湖区", ("冯师傅", "13612345674")),
                 ("yuehai", "粤海龙岗站", "龙岗区", ("何师傅", "13612345675")),
                 ("yuehai", "粤海盐田站", "盐田区", ("许师傅", "13612345676"))]


def demo_code(n: int) -> str:
    return f"440305{n:014d}"


MARKER = demo_code(1)  # the first demo lift: present = already seeded


def _units(services: Services) -> dict[str, str]:
    registry = services.registry
    anda, _ = registry.register_unit("深圳市安达电梯维保有限公司", LEAD, CTX)
    pengcheng, _ = registry.register_unit("鹏城电梯工程有限公司",
                                          {"name": "黄主管", "mobile": "13600136000"}, CTX)
    yuehai, _ = registry.register_unit("粤海电梯维保有限公司",
                                       {"name": "林经理", "mobile": "13500135000"}, CTX)
    registry.register_unit("新安电梯服务部", None, CTX)  # no rescue info: a data gap
    return {"anda": str(anda.id), "pengcheng": str(pengcheng.id), "yuehai": str(yuehai.id)}


def _station(services: Services, unit_id: str, name: str, district: str,
             workers: list[tuple[str, str]]) -> str:
    station, _ = services.registry.register_station(
        {"unit_id": unit_id, "name": name, "district": district,
         "lead": {"name": "刘站长", "mobile": "13900139000"},
         "coverage": {"districts": [district]}}, CTX,
        workers=[{"name": n, "mobile": m} for n, m in workers])
    return str(station.id)


def _facts(n: int, unit_id: str, district: str, **extra: Any) -> dict[str, Any]:
    return {"unit_id": unit_id, "rescue_code": f"{n:06d}",
            "using_unit": {"code": f"WY-{n % 7}", "name": f"海德物业{n % 7}号"},
            "address": f"{district}海德三道 {n} 号 {n % 4 + 1} 栋", "district": district,
            "street": "粤海街道", "site_type": SITE_TYPES[n % len(SITE_TYPES)],
            "safety_manager": {"name": "赵安全", "mobile": "13700137000"},
            # 使用登记 years back: every past window (last month's report) counts the lifts.
            "in_use_since": f"{2008 + n % 15}-{n % 12 + 1:02d}-{n % 28 + 1:02d}", **extra}


def _lift(services: Services, n: int, unit_id: str, district: str, **extra: Any) -> str:
    services.registry.put_lift(demo_code(n), _facts(n, unit_id, district, **extra), CTX)
    return demo_code(n)


def _bulk_lifts(services: Services, stations: list[dict[str, str]]) -> list[dict[str, str]]:
    """Lifts 10..LIFTS, bound round-robin to the stations, saved 50 to a transaction."""
    registry, who = services.registry, {"actor": CTX.actor, "correlation_id": CTX.correlation_id}
    made, batch = [], []
    for n in range(10, LIFTS + 1):
        station = stations[n % len(stations)]
        lift = Lift.register(code=demo_code(n), facts=_facts(
            n, station["unit_id"], station["district"]), **who)
        lift.bind(station_id=station["id"], station_unit_id=station["unit_id"], **who)
        batch += [lift, RescueCodeClaim(rescue_code=f"{n:06d}", holder=demo_code(n), **who)]
        made.append({"code": demo_code(n), "station": station["id"],
                     "station_name": station["name"]})
        if len(batch) >= 100 or n == LIFTS:
            registry.save(*batch)
            batch = []
    return made


def _registry(services: Services) -> dict[str, Any]:
    units = _units(services)
    nanshan = _station(services, units["anda"], "安达南山一站", "南山区",
                       [("王师傅", "13912345678"), ("李师傅", "13912345679")])
    futian = _station(services, units["anda"], "安达福田站", "福田区", [("张师傅", "13512345670")])
    baoan = _station(services, units["pengcheng"], "鹏城宝安站", "宝安区",
                     [("周师傅", "13312345671")])
    anda = [_lift(services, n, units["anda"], "南山区") for n in range(1, 6)]
    anda.append(_lift(services, 6, units["anda"], "福田区", safety_manager=None))
    peng = [_lift(services, n, units["pengcheng"], "宝安区") for n in range(7, 9)]
    peng.append(_lift(services, 9, units["pengcheng"], "宝安区", site_type=None))
    services.registry.bind(nanshan, anda[:4], CTX)
    services.registry.bind(futian, anda[4:5], CTX)  # anda[5] stays unbound: a data gap
    services.registry.bind(baoan, peng[:2], CTX)
    stations = [{"id": nanshan, "unit_id": units["anda"], "name": "安达南山一站",
                 "district": "南山区"},
                {"id": futian, "unit_id": units["anda"], "name": "安达福田站", "district": "福田区"},
                {"id": baoan, "unit_id": units["pengcheng"], "name": "鹏城宝安站",
                 "district": "宝安区"}]
    for unit, name, district, worker in MORE_STATIONS:
        stations.append({"id": _station(services, units[unit], name, district, [worker]),
                         "unit_id": units[unit], "name": name, "district": district})
    return {"units": units, "stations": {"nanshan": nanshan, "futian": futian, "baoan": baoan},
            "anda": anda, "peng": peng, "bulk": _bulk_lifts(services, stations)}


def _ticket(services: Services, ref: str, lift: str, received: datetime,
            steps: list[tuple[str, datetime, dict[str, Any]]], dispatch: str = "external",
            trapped: int = 1) -> None:
    app = services.tickets
    outcome = app.receive_alarm(ReceiveAlarm(
        lift=lift, source="phone", source_ref=ref, received_at=received, trapped_count=trapped,
        caller={"name": "业主", "phone": "13812345678"}, dispatch=dispatch), CTX)
    for kind, at, data in steps:
        app.handle(COMMANDS[kind](ticket_id=outcome.ticket.id, at=at, **data), CTX)


def _tickets(services: Services, reg: dict[str, Any], now: datetime) -> None:
    stations, anda, peng = reg["stations"], reg["anda"], reg["peng"]
    m = lambda minutes: now - timedelta(minutes=minutes)
    notify = lambda station: {"station": {"id": station}, "channel": "platform"}
    wang = {"responder": {"name": "王师傅", "mobile": "13912345678"}}
    released = {"released_count": 2, "released_by": "rescuer", "rescue_method": "1"}
    # Yesterday: on time, reported and closed.
    _ticket(services, "DEMO-1", anda[0], m(26 * 60), [
        ("notify", m(26 * 60 - 1), notify(stations["nanshan"])),
        ("assign", m(26 * 60 - 3), wang), ("arrive", m(26 * 60 - 14), {}),
        ("release", m(26 * 60 - 25), released),
        ("file_fault_report", m(26 * 60 - 60), {"cause_root": "3", "cause_sub": "302",
                                                "description": "层门门锁触点氧化"}),
        ("callback", m(26 * 60 - 60), {"confirmed_by": "trapped_person", "note": "乘客已安全"}),
        ("close", m(26 * 60 - 61), {})], trapped=2)
    # Today: arrived 38 minutes after notification (overtime), released, no report yet.
    _ticket(services, "DEMO-2", anda[1], m(55), [
        ("notify", m(54), notify(stations["nanshan"])), ("assign", m(50), wang),
        ("arrive", m(16), {}), ("release", m(8), released)], trapped=2)
    # Open: notified 40 minutes ago and nobody on site (red), 22 minutes (amber), 3 (fresh).
    _ticket(services, "DEMO-3", anda[2], m(41), [("notify", m(40), notify(stations["nanshan"]))])
    _ticket(services, "DEMO-4", anda[4], m(23), [
        ("notify", m(22), notify(stations["futian"])),
        ("assign", m(20), {"responder": {"name": "张师傅", "mobile": "13512345670"}})])
    _ticket(services, "DEMO-5", peng[0], m(3), [("notify", m(3), notify(stations["baoan"]))])
    # A false alarm, and one just received for the operator to handle with the mouse.
    _ticket(services, "DEMO-6", peng[1], m(90), [("cancel", m(85), {"reason": "false_alarm",
                                                                    "note": "业主误按"})])
    _ticket(services, "DEMO-7", anda[3], m(1), [], trapped=3)
    _ticket(services, "DEMO-8", "44030599999999999999", m(2), [], dispatch="auto")  # unknown lift


def seed(services: Services, state_dir: Path | None = None,
         now: datetime | None = None) -> dict[str, Any] | None:
    """Seed the demo once; returns what was made (None when the database already has it).
    Tokens for a unit user and an auditor are written to `state_dir/demo-tokens`."""
    try:
        services.registry.lift(MARKER)
        return None
    except NotFound:
        pass
    reg = _registry(services)
    now = now or datetime.now(UTC)
    history = seed_history(services, reg["bulk"], now)
    _tickets(services, reg, now)
    tokens = {
        "operator": services.tokens.create(role="operator", name="demo-desk")[0],
        "unit (安达)": services.tokens.create(role="unit", name="demo-anda",
                                            unit_id=reg["units"]["anda"])[0],
        "unit (鹏城)": services.tokens.create(role="unit", name="demo-pengcheng",
                                            unit_id=reg["units"]["pengcheng"])[0],
        "auditor": services.tokens.create(role="auditor", name="demo-audit")[0],
    }
    if state_dir is not None:
        path = state_dir / "demo-tokens"
        path.write_text("".join(f"{role}: {token}\n" for role, token in tokens.items()))
        path.chmod(0o600)
    return {**reg, "tokens": tokens, "history": history}
