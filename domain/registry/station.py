"""A rescue station (救援站): its unit, district, lead, coverage and on-call workers."""

from typing import Any
from uuid import uuid4

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidTransition, InvalidValue
from domain.events import RegistryEvent
from domain.registry.contacts import contact

MAX_DISTRICTS = 3


def check_coverage(value: dict[str, Any]) -> dict[str, Any]:
    """1–3 districts, or exactly one district plus a street description."""
    districts = list(dict.fromkeys(value.get("districts") or []))
    streets = (value.get("streets") or "").strip() or None
    if not 1 <= len(districts) <= MAX_DISTRICTS:
        raise InvalidValue("coverage must list 1 to 3 districts", field="coverage.districts",
                           zh="服务范围须列出 1 至 3 个区")
    if streets and len(districts) != 1:
        raise InvalidValue("streets may only be given with exactly one district",
                           zh="只有一个区时才能填写街道",
                           field="coverage.streets")
    return {"districts": districts, "streets": streets}


class RescueStation(Aggregate):
    class StationRegistered(RegistryEvent, Aggregate.Created):
        unit_id: str
        name: str
        district: str
        lead: dict[str, Any]
        coverage: dict[str, Any]

    class StationUpdated(RegistryEvent):
        changes: dict[str, Any]

    class WorkerAdded(RegistryEvent):
        worker_id: str
        worker: dict[str, Any]

    class WorkerRemoved(RegistryEvent):
        worker_id: str

    @event(StationRegistered)
    def __init__(self, *, unit_id: str, name: str, district: str, lead: dict[str, Any],
                 coverage: dict[str, Any], actor: str, correlation_id: str):
        self.unit_id, self.name, self.district = unit_id, name, district
        self.lead, self.coverage = lead, coverage
        self.workers: dict[str, dict[str, Any]] = {}

    @classmethod
    def register(cls, *, unit_id: str, name: str, district: str, lead: dict[str, Any],
                 coverage: dict[str, Any], actor: str, correlation_id: str) -> "RescueStation":
        if not name.strip():
            raise InvalidValue("name is required", field="name", zh="名称必填")
        return cls(unit_id=unit_id, name=name.strip(), district=district,
                   lead=contact(lead, "lead"), coverage=check_coverage(coverage),
                   actor=actor, correlation_id=correlation_id)

    def update(self, *, changes: dict[str, Any], actor: str, correlation_id: str) -> None:
        """Change any of name, district, lead, coverage (validated as on registration)."""
        clean: dict[str, Any] = {}
        if "name" in changes:
            if not str(changes["name"]).strip():
                raise InvalidValue("name is required", field="name", zh="名称必填")
            clean["name"] = str(changes["name"]).strip()
        if "district" in changes:
            clean["district"] = changes["district"]
        if "lead" in changes:
            clean["lead"] = contact(changes["lead"], "lead")
        if "coverage" in changes:
            clean["coverage"] = check_coverage(changes["coverage"])
        if clean:
            self._updated(changes=clean, actor=actor, correlation_id=correlation_id)

    def add_worker(self, *, name: str, mobile: str, note: str | None, actor: str,
                   correlation_id: str, mobile_ref: str | None = None) -> str:
        person = contact({"name": name, "mobile": mobile, "mobile_ref": mobile_ref}, "worker")
        worker_id = uuid4().hex[:12]
        self._worker_added(worker_id=worker_id, worker={**person, "note": note}, actor=actor,
                           correlation_id=correlation_id)
        return worker_id

    def remove_worker(self, *, worker_id: str, actor: str, correlation_id: str) -> None:
        if worker_id not in self.workers:
            raise InvalidTransition(f"station has no worker {worker_id}",
                                    zh=f"救援站没有人员 {worker_id}")
        if len(self.workers) == 1:
            raise InvalidTransition("a station keeps at least one worker: add another first",
                                    zh="救援站至少保留一名人员：请先添加另一名")
        self._worker_removed(worker_id=worker_id, actor=actor, correlation_id=correlation_id)

    @event(StationUpdated)
    def _updated(self, changes, actor, correlation_id):
        for key, value in changes.items():
            setattr(self, key, value)

    @event(WorkerAdded)
    def _worker_added(self, worker_id, worker, actor, correlation_id):
        self.workers[worker_id] = worker

    @event(WorkerRemoved)
    def _worker_removed(self, worker_id, actor, correlation_id):
        del self.workers[worker_id]
