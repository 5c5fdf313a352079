"""A synthetic city: the registry (units, stations, lifts), a day of entrapments on the
published day curve (peaks 8–10h and 18–20h, 30–40 a day) and a power-cut burst (5,000 alarms
in 10 minutes), driven through the real API or the Kafka intake.

    liftrescue load city --lifts 150000 --register        # registry, via the import path
    liftrescue load city --days 1 --speed 1440 --via http  # a day in a minute
    liftrescue load city --burst 5000 --via kafka          # the power cut

Everything is seeded (`--seed`), so a run can be repeated exactly. The drivers and the
acknowledgement ledger are in bench/drivers.py."""

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")
DISTRICTS = ["福田区", "罗湖区", "南山区", "盐田区", "宝安区", "龙岗区", "龙华区", "坪山区", "光明区"]
SITE_TYPES = ["住宅小区", "办公楼", "商场超市", "宾馆饭店", "医院", "学校", "交通场所", "文体娱场馆",
              "其他场所"]
# Relative entrapment weight per local hour: low at night, peaks 8–10h and 18–20h.
HOUR_WEIGHTS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.5, 3, 6, 6, 4, 3,
                3.5, 3, 3, 3, 3.5, 4.5, 6, 6, 4, 3, 2, 1.5]


@dataclass(frozen=True)
class Lift:
    code: str
    unit: int
    station: int | None
    district: str
    site_type: str


@dataclass
class City:
    """Units, stations (≈ 3 per unit) and lifts, deterministic for a seed."""

    lifts: list[Lift]
    units: int
    stations: int
    seed: int

    @classmethod
    def generate(cls, lifts: int = 150_000, units: int | None = None, seed: int = 7) -> "City":
        rng = random.Random(seed)
        units = units or max(2, lifts // 1_000)
        stations = units * 3
        made = []
        for n in range(lifts):
            unit = rng.randrange(units)
            station = unit * 3 + rng.randrange(3) if rng.random() < 0.9 else None  # 10% unbound
            made.append(Lift(f"4403{seed % 100:02d}{n:014d}", unit, station,
                             DISTRICTS[(unit + (station or 0)) % len(DISTRICTS)],
                             SITE_TYPES[rng.randrange(len(SITE_TYPES))]))
        return cls(made, units, stations, seed)

    def pick(self, rng: random.Random) -> Lift:
        return self.lifts[rng.randrange(len(self.lifts))]


def day_times(day: date, rng: random.Random, count: int | None = None) -> list[datetime]:
    """Alarm instants for one local day following HOUR_WEIGHTS (30–40 unless `count`)."""
    count = count if count is not None else rng.randint(30, 40)
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
    start = datetime.combine(day, dtime(), ZONE)
    return sorted(start + timedelta(hours=h, seconds=rng.uniform(0, 3600)) for h in hours)


def burst_times(start: datetime, count: int = 5_000, minutes: float = 10,
                rng: random.Random | None = None) -> list[datetime]:
    """A power cut: `count` alarms in `minutes`, front-loaded (most in the first minutes)."""
    rng = rng or random.Random(0)
    span = minutes * 60
    return sorted(start + timedelta(seconds=span * rng.random() ** 2) for _ in range(count))


@dataclass(frozen=True)
class Alarm:
    lift: str
    source: str
    source_ref: str
    received_at: datetime

    def body(self) -> dict[str, Any]:
        return {"lift": self.lift, "source": self.source, "source_ref": self.source_ref,
                "received_at": self.received_at.isoformat(), "trapped_count": 1}


def alarms(city: City, times: list[datetime], rng: random.Random, tag: str) -> list[Alarm]:
    """One alarm per instant on a random lift; 1 in 20 from an unknown lift (never refused)."""
    out = []
    for i, at in enumerate(times):
        lift = city.pick(rng).code if rng.random() > 0.05 else f"4403999{rng.randrange(10**13):013d}"
        source = rng.choice(["96333", "iot", "iot", "app", "phone"])
        out.append(Alarm(lift, source, f"{tag}-{i}", at))
    return out


def register(services: Any, city: City, progress: Callable[[int, int], None] = lambda d, t: None,
             workers: int = 4) -> dict[str, int]:
    """Put the city's registry in through the CSV importers' code path (same validation, one
    event per row). Returns how many of each were registered."""
    from concurrent.futures import ThreadPoolExecutor

    from adapters.cli.import_csv import IMPORTERS
    from dispatch.commands import Context

    ctx = Context(actor="load:city", correlation_id=f"city-{city.seed}")
    total, done = city.units + city.stations + len(city.lifts), 0
    units = [IMPORTERS["units"](services, {
        "name": f"城市维保{u:04d}", "emergency_lead_name": "应急负责人",
        "emergency_lead_mobile": f"138{u:08d}"}, ctx) for u in range(city.units)]
    done += city.units
    stations = []
    for n in range(city.stations):
        district = DISTRICTS[n % len(DISTRICTS)]
        stations.append(IMPORTERS["stations"](services, {
            "unit_id": units[n // 3], "name": f"救援站{n:05d}", "district": district,
            "lead_name": "站长", "lead_mobile": f"139{n:08d}", "coverage_districts": district,
            "workers": f"救援员:137{n:08d}"}, ctx))
    done += city.stations
    progress(done, total)

    def lift(item: Lift) -> None:
        IMPORTERS["lifts"](services, {
            "registration_code": item.code, "unit_id": units[item.unit],
            "station_id": stations[item.station] if item.station is not None else "",
            "using_unit_code": f"WY{item.unit:04d}", "using_unit_name": f"物业{item.unit:04d}",
            "address": f"{item.district}某路 {int(item.code[-5:])} 号", "district": item.district,
            "site_type": item.site_type, "safety_manager_name": "安全员",
            "safety_manager_mobile": "13700137000"}, ctx)

    with ThreadPoolExecutor(workers) as pool:
        for i, _ in enumerate(pool.map(lift, city.lifts), start=1):
            if i % 500 == 0 or i == len(city.lifts):
                progress(done + i, total)
    return {"units": city.units, "stations": city.stations, "lifts": len(city.lifts)}


def day_of_alarms(city: City, day: date, seed: int = 1, count: int | None = None) -> list[Alarm]:
    rng = random.Random(seed)
    return alarms(city, day_times(day, rng, count), rng, f"day-{day.isoformat()}-{seed}")


def power_cut(city: City, start: datetime | None = None, count: int = 5_000,
              minutes: float = 10, seed: int = 2) -> list[Alarm]:
    rng = random.Random(seed)
    start = start or datetime.now(UTC) - timedelta(minutes=minutes)
    tag = f"cut-{uuid.UUID(int=rng.getrandbits(128)).hex[:8]}"
    return alarms(city, burst_times(start, count, minutes, rng), rng, tag)
