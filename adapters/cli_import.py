"""`liftrescue import units|stations|lifts FILE.csv`: each row one atomic command; bad rows are
reported (row, field, reason) and skipped, the rest imported."""

import argparse
import csv
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from adapters.bootstrap import Services, bootstrap
from adapters.http.registry_schemas import LiftPut, StationCreate, UnitCreate
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings
from dispatch.commands import Context
from dispatch.errors import NotFound
from domain.errors import DomainError


def _contact(row: dict[str, str], prefix: str) -> dict[str, str] | None:
    name, mobile = row.get(f"{prefix}_name", "").strip(), row.get(f"{prefix}_mobile", "").strip()
    return {"name": name, "mobile": mobile} if name or mobile else None


def _blank_to_none(row: dict[str, str]) -> dict[str, Any]:
    return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in row.items()}


def import_unit(services: Services, row: dict[str, str], ctx: Context) -> str:
    body = UnitCreate(name=row.get("name", ""), emergency_lead=_contact(row, "emergency_lead"))
    unit, _ = services.registry.register_unit(
        body.name, body.emergency_lead.model_dump() if body.emergency_lead else None, ctx)
    return str(unit.id)


def import_station(services: Services, row: dict[str, str], ctx: Context) -> str:
    r = _blank_to_none(row)
    body = StationCreate(unit_id=r.get("unit_id") or "", name=r.get("name") or "",
                         district=r.get("district") or "", lead=_contact(row, "lead"),
                         coverage={"districts": (r.get("coverage_districts") or "").split("|"),
                                   "streets": r.get("coverage_streets")})
    workers = [w.split(":", 1) for w in (r.get("workers") or "").split("|") if w]
    station, _ = services.registry.register_station(body.model_dump(), ctx,
                                                    workers=[{"name": n, "mobile": m}
                                                             for n, m in workers])
    return str(station.id)


def import_lift(services: Services, row: dict[str, str], ctx: Context) -> str:
    r = _blank_to_none(row)
    body = LiftPut(unit_id=r.get("unit_id") or "", rescue_code=r.get("rescue_code"),
                   using_unit={"code": r.get("using_unit_code") or "",
                               "name": r.get("using_unit_name") or ""},
                   address=r.get("address") or "", district=r.get("district") or "",
                   street=r.get("street"), site_type=r.get("site_type"),
                   safety_manager=_contact(row, "safety_manager"))
    lift, _, _ = services.registry.put_lift(r.get("registration_code") or "", body.model_dump(),
                                            ctx, station_id=r.get("station_id"))
    return lift.registration_code


IMPORTERS: dict[str, Callable[[Services, dict[str, str], Context], str]] = {
    "units": import_unit, "stations": import_station, "lifts": import_lift}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
    field = getattr(exc, "field", None)
    return f"{field}: {exc}" if field else str(exc)


def progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def run_import(services: Services, kind: str, path: Path) -> tuple[list[str], list[str]]:
    """Import every row; returns (ids of imported rows, error lines)."""
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    imported, errors = [], []
    ctx = Context(actor=f"import:{path.name}", correlation_id=f"import-{path.stem}")
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            imported.append(IMPORTERS[kind](services, row, ctx))
        except (ValidationError, DomainError, NotFound, ValueError) as exc:
            errors.append(f"row {number}: {_reason(exc)}")
        progress(number - 1, len(rows))
    sys.stderr.write("\n")
    return imported, errors


def run(args: argparse.Namespace, settings: Settings) -> None:
    services = bootstrap(settings, database_url_for(settings))
    try:
        imported, errors = run_import(services, args.kind, Path(args.file))
    finally:
        services.close()
    for line in errors:
        print(line)
    print(f"imported {len(imported)} {args.kind}, {len(errors)} rows refused")
    if args.kind != "lifts":
        for ident in imported:
            print(f"  id {ident}")
    if errors:
        sys.exit(2)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="bulk import units, stations or lifts from CSV")
    parser.add_argument("kind", choices=sorted(IMPORTERS))
    parser.add_argument("file", help="UTF-8 CSV with a header row (see docs/REGISTRY.md)")
    parser.set_defaults(run=run)
