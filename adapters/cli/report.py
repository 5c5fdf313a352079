"""`liftrescue report monthly --month YYYY-MM [--unit ID] [--public] --out FILE [--store]`."""

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from adapters.bootstrap import bootstrap
from adapters.postgres.monthly_reports import MonthlyReportStore
from adapters.reports.generate import ReportMaker, ReportRequest
from adapters.reports.monthly import month_problem
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings
from dispatch.errors import NotFound


def register(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="periodic analysis reports")
    kinds = report.add_subparsers(dest="kind", required=True)
    monthly = kinds.add_parser("monthly", help="a month's report as PDF or HTML")
    monthly.add_argument("--month", required=True, help="YYYY-MM")
    monthly.add_argument("--unit", help="a maintenance unit's id (default: the whole city)")
    monthly.add_argument("--public", action="store_true",
                         help="the public edition: no personal data, no unit-internal detail")
    monthly.add_argument("--out", type=Path, required=True, help="report.pdf or report.html")
    monthly.add_argument("--store", action="store_true",
                         help="also keep the PDF in the database (listed in the console)")
    monthly.set_defaults(run=run)


def _refuse(message: str) -> NoReturn:
    print(f"liftrescue report monthly: {message}", file=sys.stderr)
    raise SystemExit(2)


def run(args: argparse.Namespace, settings: Settings) -> None:
    if problem := month_problem(args.month, settings.timezone):
        _refuse(f"--month: {problem}")
    if args.out.suffix.lower() not in (".pdf", ".html"):
        _refuse("--out: 文件名应以 .pdf 或 .html 结尾 (the file must end in .pdf or .html)")
    services = bootstrap(settings, database_url_for(settings))
    try:
        maker = ReportMaker(services.pool, services.settings)
        try:
            name = services.registry.unit(args.unit).name if args.unit else None
        except NotFound:
            _refuse(f"--unit: 未找到维保单位 {args.unit} (no maintenance unit {args.unit})")
        ask = ReportRequest(args.month, args.unit, public=args.public, unit_name=name)
        as_pdf = args.out.suffix.lower() == ".pdf"
        pdf = maker.pdf(ask) if as_pdf or args.store else b""
        args.out.write_bytes(pdf if as_pdf else maker.html(ask).encode("utf-8"))
        if args.store:
            MonthlyReportStore(services.pool).save(args.month, args.unit,
                                                   "public" if args.public else "full",
                                                   pdf, generated_by="cli")
        print(f"wrote {args.out}" + (" and stored it" if args.store else ""), flush=True)
    finally:
        services.close()
