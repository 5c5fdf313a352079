"""CSV rows → registry commands (same checks as the API); every problem named by its CSV column."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from adapters.bootstrap import Services
from adapters.http.registry_schemas import LiftPut, StationCreate, UnitCreate, WorkerCreate
from dispatch.commands import Context
from dispatch.errors import NotFound
from dispatch.registry import RegistryApp
from domain.errors import DomainError

Row = dict[str, str]
MOBILE_HINT = "not a mainland mobile number (11 digits, 13x–19x)"


class RowError(Exception):
    """A row refused: (column, reason) for each problem found in it."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{c}: {r}" for c, r in problems))
        self.problems = problems


def column(loc: Any) -> str:
    """A model field path (emergency_lead.mobile, coverage.districts.0) → its CSV column."""
    parts = loc.split(".") if isinstance(loc, str) else [str(p) for p in loc]
    return "_".join(p for p in parts if not p.isdigit())


def _reason(error: ErrorDetails) -> str:
    if error["type"] == "string_pattern_mismatch" and str(error["loc"][-1]) == "mobile":
        return MOBILE_HINT
    if error["type"] == "string_pattern_mismatch" and error["loc"][-1] == "rescue_code":
        return "must be 6 digits"
    return error["msg"]


def _problems(exc: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    return [(prefix or column(e["loc"]), _reason(e)) for e in exc.errors()]


def _contact(r: Row, prefix: str) -> dict[str, str] | None:
    name, mobile = r.get(f"{prefix}_name", ""), r.get(f"{prefix}_mobile", "")
    return {"name": name, "mobile": mobile} if name or mobile else None


def _split(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[|｜]", cell) if part.strip()]


def _not_listed(services: Services, r: Row, columns: tuple[str, ...]) -> list[tuple[str, str]]:
    """Districts and site types outside the reference catalogue, by column."""
    catalogue, problems = services.registry.catalogue, []
    for name in columns:
        for value in _split(r.get(name, "")) if name == "coverage_districts" else [r.get(name)]:
            try:
                if name == "site_type":
                    catalogue.site_type(value or None)
                else:
                    catalogue.district(value or None, name)
            except DomainError as exc:
                problems.append((name, f"{value}: {exc.message}"))
    return problems


def _missing(services: Services, r: Row, exc: NotFound) -> RowError:
    """Name the column whose reference does not exist (looked up only once a command failed)."""
    for name, lookup in (("unit_id", services.registry.unit),
                         ("station_id", services.registry.station)):
        if r.get(name):
            try:
                lookup(r[name])
            except NotFound as missing:
                return RowError([(name, str(missing))])
    return RowError([("", str(exc))])


def import_unit(services: Services, r: Row, ctx: Context) -> str:
    body = UnitCreate(name=r["name"], emergency_lead=_contact(r, "emergency_lead"))
    unit, _ = services.registry.register_unit(
        body.name, body.emergency_lead.model_dump() if body.emergency_lead else None, ctx)
    return str(unit.id)


def workers_of(cell: str) -> list[dict[str, str]]:
    """`name:mobile|name:mobile` (full-width ：｜ accepted) → validated workers."""
    workers, problems = [], []
    for i, entry in enumerate(_split(cell), start=1):
        name, sep, mobile = re.sub("：", ":", entry).partition(":")
        if not sep or not name.strip() or not mobile.strip():
            problems.append(("workers", f"entry {i} '{entry}' is not name:mobile"))
            continue
        try:
            worker = WorkerCreate(name=name.strip(), mobile=mobile.strip())
        except ValidationError as exc:
            problems += [("workers", f"entry {i} '{entry}': {_reason(e)}") for e in exc.errors()]
            continue
        workers.append({"name": worker.name, "mobile": worker.mobile})
    if problems:
        raise RowError(problems)
    return workers


def import_station(services: Services, r: Row, ctx: Context) -> str:
    problems = _not_listed(services, r, ("district", "coverage_districts"))
    try:
        body = StationCreate(unit_id=r["unit_id"], name=r["name"], district=r["district"],
                             lead=_contact(r, "lead"),
                             coverage={"districts": _split(r["coverage_districts"]),
                                       "streets": r.get("coverage_streets") or None})
    except ValidationError as exc:
        problems, body = problems + _problems(exc), None
    try:
        workers = workers_of(r.get("workers", ""))
    except RowError as exc:
        problems += exc.problems
    if problems or body is None:
        raise RowError(problems)
    station, _ = services.registry.register_station(body.model_dump(), ctx, workers=workers)
    return str(station.id)


def import_lift(services: Services, r: Row, ctx: Context) -> str:
    code = r["registration_code"]
    problems = [] if re.fullmatch(r"[0-9]{20}", code) else [
        ("registration_code", "must be 20 digits")]
    problems += _not_listed(services, r, ("district", "site_type"))
    try:
        body = LiftPut(unit_id=r["unit_id"], rescue_code=r.get("rescue_code") or None,
                       using_unit={"code": r["using_unit_code"], "name": r["using_unit_name"]},
                       address=r["address"], district=r["district"],
                       street=r.get("street") or None, site_type=r.get("site_type") or None,
                       safety_manager=_contact(r, "safety_manager"),
                       in_use_since=r.get("in_use_since") or None)
    except ValidationError as exc:
        problems += _problems(exc)
    if problems:
        raise RowError(problems)
    lift, _, _ = services.registry.put_lift(code, body.model_dump(), ctx,
                                            station_id=r.get("station_id") or None)
    return lift.registration_code


@contextmanager
def nothing_saved(registry: RegistryApp) -> Iterator[None]:
    """Run the registry's commands with all their checks but store nothing (--dry-run)."""
    registry.save = lambda *aggregates, **kwargs: []  # type: ignore[method-assign]
    try:
        yield
    finally:
        del registry.save  # the instance attribute goes; the class's save is back


@dataclass(frozen=True)
class Importer:
    """One kind of CSV: its columns and the command a row becomes."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    command: Callable[[Services, Row, Context], str]

    def __call__(self, services: Services, row: Row, ctx: Context, dry_run: bool = False) -> str:
        """Import one row (columns may be missing: optional ones read as empty); RowError if bad."""
        r = {k: (v or "").strip() for k, v in row.items() if k is not None}
        missing = [(c, "required") for c in self.required if not r.get(c)]
        if missing:
            raise RowError(missing)
        try:
            if dry_run:
                with nothing_saved(services.registry):
                    return self.command(services, r, ctx)
            return self.command(services, r, ctx)
        except ValidationError as exc:
            raise RowError(_problems(exc)) from None
        except DomainError as exc:
            raise RowError([(column(exc.field) if exc.field else "", exc.message)]) from None
        except NotFound as exc:
            raise _missing(services, r, exc) from None


IMPORTERS: dict[str, Importer] = {
    "units": Importer(("name",), ("emergency_lead_name", "emergency_lead_mobile"), import_unit),
    "stations": Importer(("unit_id", "name", "district", "lead_name", "lead_mobile",
                          "coverage_districts"), ("coverage_streets", "workers"),
                         import_station),
    "lifts": Importer(("registration_code", "unit_id", "using_unit_code", "using_unit_name",
                       "address", "district"),
                      ("rescue_code", "street", "site_type", "safety_manager_name",
                       "safety_manager_mobile", "station_id", "in_use_since"), import_lift),
}
