"""The console's server-rendered SVG charts and the fault-cause choices."""

from adapters.http.console.charts import bar_chart, hours
from adapters.reference import FaultCauseTable


def test_bars_scale_to_the_largest_value_and_escape_labels():
    svg = bar_chart([("南山<站>", 4), ("福田站", 1)], "工单数 & more")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "南山&lt;站&gt;" in svg and "<站>" not in svg and "&amp; more" in svg
    assert 'width="360.0"' in svg and 'width="90.0"' in svg  # 4 → full width, 1 → a quarter
    assert svg.count("<rect") == 2


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
