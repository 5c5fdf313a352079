"""`liftrescue report monthly`: a PDF written and stored, bad arguments refused by name."""

import os
import subprocess
import sys
from pathlib import Path

from adapters.postgres.monthly_reports import MonthlyReportStore
from tests.e2e.registry_helpers import make_unit

ROOT = Path(__file__).resolve().parents[2]


def report(database_url: str, *options: str) -> subprocess.CompletedProcess:
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    return subprocess.run([sys.executable, "-m", "adapters.cli", "report", "monthly", *options],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def test_report_monthly_writes_and_stores_a_pdf(client, database_url, tmp_path):
    unit_id = make_unit(client, "安达维保")
    out = tmp_path / "report.pdf"
    done = report(database_url, "--month", "2026-10", "--unit", unit_id, "--public",
                  "--out", str(out), "--store")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    stored = MonthlyReportStore(client.app.state.services.pool).listing(None)
    assert [(r.month, r.unit_id, r.edition, r.generated_by) for r in stored] == [
        ("2026-10", unit_id, "public", "cli")]
    bad_month = report(database_url, "--month", "2026-13", "--out", str(out))
    assert bad_month.returncode == 2 and "--month" in bad_month.stderr
    unknown = report(database_url, "--month", "2026-10", "--unit", "nope", "--out",
                     str(tmp_path / "x.html"))
    assert unknown.returncode == 2 and "--unit" in unknown.stderr
    assert not (tmp_path / "x.html").exists()
