"""The console's server-rendered SVG charts and the fault-cause choices."""

from adapters.http.console.charts import BAR_W, Bar, bar_chart, hours
from adapters.reference import FaultCauseTable


def test_bars_scale_to_the_largest_value_and_escape_labels():
    svg = bar_chart([("南山<站>", 4), ("福田站", 1)], "工单数 & more")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "南山&lt;站&gt;" in svg and "<站>" not in svg and "&amp; more" in svg
    # 4 → the full bar, 1 → a quarter of it
    assert f'width="{BAR_W:.1f}"' in svg and f'width="{BAR_W / 4:.1f}"' in svg
    assert svg.count("<rect") == 2


def test_the_chart_fills_its_container_and_keeps_the_records_id():
    svg = bar_chart([Bar("南山站", 2, "station-a"), Bar("南山站 · b", 1, "station-b"),
                     ("福田站", 1)], "工单数")
    assert 'width="100%"' in svg and 'height="' not in svg.split(">", 1)[0]
    assert 'data-id="station-a"' in svg and 'data-id="station-b"' in svg
    assert svg.count("data-id=") == 2  # a plain (label, value) bar stands for no record
    long = bar_chart([("很长的救援站名称" * 4, 1)], "长")
    assert "…" in long and "很长的救援站名称" * 4 in long  # shortened label, full in <title>


def test_no_rows_says_no_data_instead_of_an_empty_chart():
    assert "无数据" in bar_chart([], "空") and "<svg" not in bar_chart([], "空")


def test_day_curve_has_every_hour_with_zeros():
    curve = hours([{"key": "8", "tickets": 3}, {"key": "18", "tickets": 5},
                   {"key": "unknown", "tickets": 9}])
    assert len(curve) == 24 and curve[8] == ("08:00", 3) and curve[18] == ("18:00", 5)
    assert sum(v for _, v in curve) == 8


def test_fault_cause_choices_come_from_the_reference_table():
    table = FaultCauseTable({"03": {"name": "门系统", "sub": {"01": "层门门锁故障"}}})
    assert table.choices() == [("03/01", "03/01 门系统 / 层门门锁故障")]
    full = FaultCauseTable().choices()
    assert all(table_value.count("/") == 1 for table_value, _ in full)
    assert all(FaultCauseTable().describe(*value.split("/")) for value, _ in full)
