"""`liftrescue import`: good rows land, each bad row is reported by row and field and stores nothing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_import(database_url: str, kind: str, path: Path, *options: str
               ) -> subprocess.CompletedProcess:
    env = os.environ | {"LIFTRESCUE_DATABASE_URL": database_url, "LIFTRESCUE_LOG_LEVEL": "ERROR"}
    return subprocess.run([sys.executable, "-m", "adapters.cli", "import", kind, str(path),
                           *options], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_import_units_stations_lifts_with_a_bad_row_each(client, database_url, tmp_path,
                                                          count_events):
    units = tmp_path / "units.csv"
    units.write_text("name,emergency_lead_name,emergency_lead_mobile\n"
                     "安达维保,陈经理,13800138000\n"
                     "坏单位,王,12345\n", encoding="utf-8")
    result = run_import(database_url, "units", units)
    assert result.returncode == 2
    assert "row 3: emergency_lead_mobile: not a mainland mobile number" in result.stdout
    assert "imported 1 units, 1 rows refused" in result.stdout
    unit_id = result.stdout.split("id ")[1].split()[0]

    stations = tmp_path / "stations.csv"
    stations.write_text(
        "unit_id,name,district,lead_name,lead_mobile,coverage_districts,coverage_streets,workers\n"
        f"{unit_id},南山一站,南山区,刘站长,13900139000,南山区|福田区,,甲:13700000001|乙:13700000002\n"
        f"{unit_id},坏站,南山区,刘,13900139000,南山区|福田区,粤海街道,\n", encoding="utf-8")
    result = run_import(database_url, "stations", stations)
    assert "row 3: coverage_streets" in result.stdout, result.stdout
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
    no_station = (f"44030000000000000005,,{unit_id},U1,物业,地址5,南山区,,,,,"
                  "00000000-0000-0000-0000-000000000000\n")
    lifts.write_text(header + good + bad_code + bad_site + plain + no_station, encoding="utf-8")
    before = count_events("registry_events")
    result = run_import(database_url, "lifts", lifts)
    assert "row 3: registration_code" in result.stdout and "row 4: site_type" in result.stdout
    assert "row 6: station_id: no rescue station" in result.stdout, result.stdout
    assert "imported 2 lifts, 3 rows refused" in result.stdout
    assert "[##############################] 5/5" in result.stderr
    # registered + bound + its rescue code claimed; registered
    assert count_events("registry_events") == before + 4
    lift = client.get("/v1/lifts/44030000000000000001").json()
    assert lift["station_id"] == station_id and lift["site_type"] == "住宅小区"
    assert client.get("/v1/lifts/44030000000000000003").status_code == 404


STATIONS = ("unit_id,name,district,lead_name,lead_mobile,coverage_districts,coverage_streets,"
            "workers\n")


def test_every_bad_row_is_named_by_row_and_column_and_nothing_else_is_stored(
        client, database_url, tmp_path, count_events):
    from tests.e2e.registry_helpers import make_unit

    unit = make_unit(client)
    path = tmp_path / "stations.csv"
    path.write_text(STATIONS + "\n".join([
        f"{unit},好站,南山区,刘站长,13900139000,南山区,,甲:13700000001",   # 2: good
        f"{unit},短站,南山区",                                              # 3: short row
        f"{unit},,南山区,刘,13900139000,南山区,,",                          # 4: name missing
        f"{unit},站,南山区,刘,13900139000,南山区,,甲|乙:13700000002",       # 5: worker no mobile
        f"{unit},站,南山区,刘,13900139000,南山区,,甲:123",                  # 6: worker mobile
        f"{unit},站,火星区,刘,13900139000,南山区,,",                        # 7: district
        f"{unit},站,南山区,刘,1390013,南山区|福田区|火星区,,",              # 8: mobile, coverage
        "00000000-0000-0000-0000-000000000000,站,南山区,刘,13900139000,南山区,,",  # 9: no unit
        f"{unit},站,南山区,刘,13900139000,南山区,,,extra",                  # 10: too many
    ]) + "\n", encoding="utf-8")
    before = count_events("registry_events")
    result = run_import(database_url, "stations", path)
    out = result.stdout
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "imported 1 stations, 8 rows refused" in out, out
    assert "row 3: 3 values for 8 columns (short row" in out
    assert "row 4: name: required" in out
    assert "row 5: workers: entry 1 '甲' is not name:mobile" in out
    assert "row 6: workers: entry 1 '甲:123': not a mainland mobile number" in out
    assert "row 7: district: 火星区: district 应为以下之一：福田区" in out
    assert "(district must be one of: 福田区" in out
    assert "row 8: lead_mobile: not a mainland mobile number" in out
    assert "row 8: coverage_districts: 火星区:" in out  # every problem of a row, not the first
    assert "row 9: unit_id: no maintenance unit" in out
    assert "row 10: 9 values for 8 columns (too many values" in out
    assert count_events("registry_events") == before + 2  # the good station + its worker


def test_dry_run_reports_the_same_and_writes_nothing(client, database_url, tmp_path,
                                                     count_events):
    from tests.e2e.registry_helpers import make_unit

    unit = make_unit(client)
    path = tmp_path / "stations.csv"
    path.write_text(STATIONS + f"{unit},一站,南山区,刘站长,13900139000,南山区,,甲:13700000001\n"
                    f"{unit},二站,火星区,刘站长,13900139000,南山区,,\n", encoding="utf-8")
    before = count_events("registry_events")
    dry = run_import(database_url, "stations", path, "--dry-run")
    assert dry.returncode == 2, dry.stderr
    assert "row 3: district:" in dry.stdout
    assert "would import 1 stations, 1 rows refused (dry run: nothing written)" in dry.stdout
    assert count_events("registry_events") == before
    real = run_import(database_url, "stations", path)
    assert "imported 1 stations, 1 rows refused" in real.stdout
    assert count_events("registry_events") == before + 2  # the station and its worker


def test_a_file_that_is_not_utf8_csv_is_one_clear_error(client, database_url, tmp_path,
                                                       count_events):
    before = count_events("registry_events")
    gbk = tmp_path / "units.csv"
    gbk.write_bytes("name,emergency_lead_name,emergency_lead_mobile\n安达维保,陈经理,13800138000\n"
                    .encode("gbk"))
    result = run_import(database_url, "units", gbk)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "not UTF-8" in result.stderr and "line 2" in result.stderr
    assert result.stderr.count("\n") == 1  # one line, not one per row

    typo = tmp_path / "typo.csv"
    typo.write_text("name,emergency_lead_nme,emergency_lead_mobile\n安达维保,陈经理,13800138000\n",
                    encoding="utf-8")
    result = run_import(database_url, "units", typo)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "unknown column(s) emergency_lead_nme" in result.stderr

    for path, message in ((tmp_path / "missing.csv", "no such file"),
                          (tmp_path / "empty.csv", "empty")):
        if path.name == "empty.csv":
            path.write_text("", encoding="utf-8")
        result = run_import(database_url, "lifts", path)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert count_events("registry_events") == before
