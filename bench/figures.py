"""The bench's table: each figure beside its anchor from the same run, the goal from issue 18's
table and whether it was met; HTTP figures also show the client's CPU share (wrk)."""

from typing import Any


def _row(name: str, value: Any, unit: str, anchor: Any = None, anchor_name: str = "",
         goal: str = "", met: bool | None = None, client_cpu: float | None = None) -> dict:
    ratio = round(value / anchor, 3) if anchor and value is not None else None
    return {"figure": name, "value": value, "unit": unit, "anchor": anchor,
            "anchor_name": anchor_name, "ratio": ratio, "goal": goal, "met": met,
            "client_cpu_share": client_cpu}


def _at_most(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


def figures(http: dict, proj: dict, kafka: dict, dispatch: dict) -> list[dict[str, Any]]:
    raw, floor, api, life = http["raw"], http["floor"], http["intake"], http["lifecycle"]
    rate, floor_rate = api["per_second"], floor["per_second"]
    vs_floor = rate / floor_rate if floor_rate else 0
    vs_raw = rate / raw["per_second"] if raw["per_second"] else 0
    lag, rebuild = proj["lag"], proj["rebuild"]
    read = rebuild["raw_read_per_second"]
    relay_vs_best = (kafka["relay_per_second"] / kafka["best_producer_per_second"]
                     if kafka["best_producer_per_second"] else 0)
    return [
        _row("floor app (FastAPI + one eventsourcing save)", floor_rate, "alarms/s",
             raw["per_second"], "raw insert/s", client_cpu=floor["client_cpu_share"]),
        _row("HTTP alarm intake, API alone (16 conn.)", rate, "alarms/s", floor_rate,
             "floor app alarms/s", ">= 3× floor and >= 15% of raw",
             vs_floor >= 3 and vs_raw >= 0.15, api["client_cpu_share"]),
        _row("HTTP alarm intake vs raw inserts", rate, "alarms/s", raw["per_second"],
             "raw insert/s (16 conn.)", ">= 15% of raw", vs_raw >= 0.15),
        _row("HTTP alarm intake p99", api["p99_ms"], "ms", floor["p99_ms"], "floor p99 ms",
             "<= 50 ms", _at_most(api["p99_ms"], 50), api["client_cpu_share"]),
        _row("API CPU per alarm", api["server_cpu_ms_per_op"], "ms",
             floor["server_cpu_ms_per_op"], "floor CPU ms/alarm", "<= 1.2 ms",
             _at_most(api["server_cpu_ms_per_op"], 1.2)),
        _row("ticket lifecycle (7 commands, Python client)", life["per_second"], "tickets/s",
             raw["per_second"] / 7, "raw inserts/s ÷ 7"),
        _row("projection lag p99 at 500 alarms/s", lag["lag_p99_ms"], "ms", None, "",
             "<= 1,000 ms", _at_most(lag["lag_p99_ms"], 1000)),
        _row("rebuild tickets_view", rebuild["events_per_second"], "events/s", read,
             "raw sequential read/s", ">= 30,000/s and >= 40% of raw read",
             rebuild["events_per_second"] >= 30_000
             and rebuild["events_per_second"] >= 0.4 * read),
        _row("Kafka relay", kafka["relay_per_second"], "msgs/s",
             kafka["best_producer_per_second"], "best-configured kafka-python msg/s",
             ">= 50% of the best producer", relay_vs_best >= 0.5),
        _row("Kafka relay vs same-settings producer", kafka["relay_per_second"], "msgs/s",
             kafka["raw_per_second"], "relay's own producer settings msg/s"),
        _row("Kafka intake", kafka["intake_per_second"], "alarms/s", None, "", ">= 2,000/s",
             kafka["intake_per_second"] >= 2000),
        _row("dispatcher draining a backlog", dispatch["drain_per_second"], "notified/s",
             rate, "API intake alarms/s"),
        _row(f"receipt → notified p50 at {dispatch['paced_rate']:g} alarms/s",
             dispatch["latency_p50_ms"], "ms"),
        _row(f"receipt → notified p99 at {dispatch['paced_rate']:g} alarms/s",
             dispatch["latency_p99_ms"], "ms", None, "", "<= 2,000 ms",
             _at_most(dispatch["latency_p99_ms"], 2000)),
        _row("API peak RSS under load", http["peak_rss_mb"], "MB", None, "",
             "<= 400 MB (issue: whole dev)", _at_most(http["peak_rss_mb"], 400)),
    ]


def table(report: dict[str, Any]) -> str:
    """The figures as a Markdown table (printed, and pasted into docs/BENCHMARKS.md)."""
    lines = ["| figure | value | anchor (same run) | ratio | goal | met | client CPU |",
             "|---|---:|---|---:|---|---|---:|"]
    for f in report["figures"]:
        anchor = f"{f['anchor']:,.1f} {f['anchor_name']}" if f["anchor"] else ""
        ratio = "" if f["ratio"] is None else (
            f"{f['ratio']:.1f}×" if f["unit"] == "ms" else f"{f['ratio']:.1%}")
        met = "" if f["met"] is None else ("yes" if f["met"] else "**no**")
        cpu = "" if f.get("client_cpu_share") is None else f"{f['client_cpu_share']:.0%}"
        value = "n/a" if f["value"] is None else f"{f['value']:,}"
        lines.append(f"| {f['figure']} | {value} {f['unit']} | {anchor} | {ratio} "
                     f"| {f['goal']} | {met} | {cpu} |")
    m = report["machine"]
    lines.append(f"\n{m['cpus']} CPUs, {m['memory_gib']} GiB, Python {m['python']}, "
                 f"{m['platform']}; API workers: {report['api_workers']}; "
                 f"{'quick' if report['quick'] else 'full'} run in {report['seconds']} s; "
                 "client CPU = the wrk process's share of all cores")
    return "\n".join(lines)
