"""`liftrescue import`: good rows land, each bad row is reported by row and field and stores nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_import(database_url: str, kind: str, path: Path) -> subprocess.CompletedProcess:
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    return subprocess.run([sys.executable, "-m", "adapters.cli", "import", kind, str(path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_import_units_stations_lifts_with_a_bad_row_each(client, database_url, tmp_path,
                                                          count_events):
    units = tmp_path / "units.csv"
    units.write_text("name,emergency_lead_name,emergency_lead_mobile\n"
                     "安达维保,陈经理,13800138000\n"
                     "坏单位,王,12345\n", encoding="utf-8")
    result = run_import(database_url, "units", units)
    assert result.returncode == 2
    assert "row 3: emergency_lead.mobile" in result.stdout
    assert "imported 1 units, 1 rows refused" in result.stdout
    unit_id = result.stdout.split("id ")[1].split()[0]

    stations = tmp_path / "stations.csv"
    stations.write_text(
        "unit_id,name,district,lead_name,lead_mobile,coverage_districts,coverage_streets,workers\n"
        f"{unit_id},南山一站,南山区,刘站长,13900139000,南山区|福田区,,甲:13700000001|乙:13700000002\n"
        f"{unit_id},坏站,南山区,刘,13900139000,南山区|福田区,粤海街道,\n", encoding="utf-8")
    result = run_import(database_url, "stations", stations)
    assert "row 3: coverage.streets" in result.stdout, result.stdout
    station_id = result.stdout.split("id ")[1].split()[0]
    station = client.get(f"/v1/stations/{station_id}").json()
    assert [w["name"] for w in station["workers"]] == ["甲", "乙"]

    lifts = tmp_path / "lifts.csv"
    header = ("registration_code,rescue_code,unit_id,using_unit_code,using_unit_name,address,"
              "district,street,site_type,safety_manager_name,safety_manager_mobile,station_id\n")
    good = f"44030000000000000001,123456,{unit_id},U1,物业,地址1,南山区,,住宅小区,赵,13700137000,{station_id}\n"
    bad_code = f"4403,,{unit_id},U1,物业,地址2,南山区,,,,,\n"
    bad_site = f"44030000000000000003,,{unit_id},U1,物业,地址3,南山区,,火星,,,\n"
    plain = f"44030000000000000004,,{unit_id},U1,物业,地址4,南山区,,,,,\n"
    lifts.write_text(header + good + bad_code + bad_site + plain, encoding="utf-8")
    before = count_events("registry_events")
    result = run_import(database_url, "lifts", lifts)
    assert "row 3: registration_code" in result.stdout and "row 4: site_type" in result.stdout
    assert "imported 2 lifts, 2 rows refused" in result.stdout
    assert "[##############################] 4/4" in result.stderr
    assert count_events("registry_events") == before + 3  # registered+bound, registered
    lift = client.get("/v1/lifts/44030000000000000001").json()
    assert lift["station_id"] == station_id and lift["site_type"] == "住宅小区"
    assert client.get("/v1/lifts/44030000000000000003").status_code == 404
