"""`liftrescue import units|stations|lifts FILE.csv [--dry-run]`: each row one atomic command;
bad rows are reported as `row N: column: reason` and skipped, the rest imported."""

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from adapters.bootstrap import Services, bootstrap
from adapters.cli.import_rows import IMPORTERS, Row, RowError
from adapters.runtime.embedded import database_url_for
from adapters.runtime.settings import Settings
from dispatch.commands import Context


class FileError(Exception):
    """The file as a whole cannot be read as the expected CSV: nothing is imported."""


@dataclass
class Report:
    imported: list[str]
    errors: list[str]
    refused: int


def read_rows(kind: str, path: Path) -> tuple[list[str], list[tuple[int, Row]]]:
    """(header, [(row number, row)]); FileError when the file is unreadable as a whole."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise FileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FileError(f"{path}: is a folder, not a CSV file") from None
    except PermissionError:
        raise FileError(f"{path}: permission denied") from None
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise FileError(f"{path}: not UTF-8 (byte 0x{exc.object[exc.start]:02x} on line {line}); "
                        "save the file as UTF-8 CSV") from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = [name.strip() for name in next(reader, [])]
        rows = [(reader.line_num, values) for values in reader if any(v.strip() for v in values)]
    except csv.Error as exc:
        raise FileError(f"{path}: line {reader.line_num}: not valid CSV ({exc})") from None
    _check_header(kind, path, header)
    return header, rows


def _check_header(kind: str, path: Path, header: list[str]) -> None:
    spec = IMPORTERS[kind]
    expected = ", ".join((*spec.required, *spec.optional))
    if not any(header):
        raise FileError(f"{path}: empty; the first line must name the columns: {expected}")
    missing = [c for c in spec.required if c not in header]
    unknown = [c for c in header if c not in (*spec.required, *spec.optional)]
    repeated = sorted({c for c in header if header.count(c) > 1})
    problems = [f"missing column(s) {', '.join(missing)}" if missing else "",
                f"unknown column(s) {', '.join(unknown)}" if unknown else "",
                f"repeated column(s) {', '.join(repeated)}" if repeated else ""]
    if any(problems):
        raise FileError(f"{path}: {'; '.join(p for p in problems if p)}; "
                        f"the {kind} columns are: {expected}")


def as_row(header: list[str], values: list[str]) -> Row:
    """Column → value; a row with fewer or more values than the header is refused whole."""
    if len(values) != len(header):
        what = "short row" if len(values) < len(header) else "too many values"
        reason = (f"{len(values)} values for {len(header)} columns ({what}; "
                  "quote a value that contains a comma)")
        raise RowError([("", reason)])
    return {name: value.strip() for name, value in zip(header, values, strict=True)}


def run_import(services: Services, kind: str, path: Path, *, dry_run: bool = False) -> Report:
    """Validate every row and (unless dry_run) import the good ones; bad rows are reported."""
    header, rows = read_rows(kind, path)
    report = Report([], [], 0)
    ctx = Context(actor=f"import:{path.name}", correlation_id=f"import-{path.stem}")
    for done, (number, values) in enumerate(rows, start=1):
        try:
            report.imported.append(IMPORTERS[kind](services, as_row(header, values), ctx,
                                                   dry_run))
        except RowError as exc:
            report.refused += 1
            report.errors.extend(f"row {number}: {column + ': ' if column else ''}{reason}"
                                 for column, reason in exc.problems)
        progress(done, len(rows))
    if rows:
        sys.stderr.write("\n")
    return report


def progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'-' * (width - filled)}] {done}/{total}")
    sys.stderr.flush()


def run(args: argparse.Namespace, settings: Settings) -> None:
    path = Path(args.file)
    try:
        read_rows(args.kind, path)  # a file error stops before anything connects
    except FileError as exc:
        sys.exit(f"import refused, nothing imported: {exc}")
    services = bootstrap(settings, database_url_for(settings))
    try:
        report = run_import(services, args.kind, path, dry_run=args.dry_run)
    finally:
        services.close()
    for line in report.errors:
        print(line)
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb} {len(report.imported)} {args.kind}, {report.refused} rows refused"
          + (" (dry run: nothing written)" if args.dry_run else ""))
    if args.kind != "lifts" and not args.dry_run:
        for ident in report.imported:
            print(f"  id {ident}")
    if report.refused:
        sys.exit(2)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("import", help="bulk import units, stations or lifts from CSV")
    parser.add_argument("kind", choices=sorted(IMPORTERS))
    parser.add_argument("file", help="UTF-8 CSV with a header row (see docs/REGISTRY.md)")
    parser.add_argument("--dry-run", action="store_true",
                        help="check every row and report, write nothing")
    parser.set_defaults(run=run)
