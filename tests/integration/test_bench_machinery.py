"""The bench's HTTP machinery (issue 18): wrk posts a new alarm per request (unique source_ref
across its threads) to the floor app, and reports its own CPU share. No speed is asserted."""

import psycopg

from bench import wrk
from bench.processes import Server


def test_wrk_posts_a_new_alarm_per_request_to_the_floor_app(database_url):
    floor = Server.floor(database_url)
    try:
        floor.wait_ready()
        result = wrk.alarms(floor.port, 1, connections=4, server_pid=floor.pid)
    finally:
        floor.stop()
    assert result["ops"] > 0 and result["errors"] == 0
    assert 0 <= result["client_cpu_share"] <= 1 and result["server_cpu_ms_per_op"] > 0
    with psycopg.connect(database_url) as conn:
        stored, refs = conn.execute(
            "SELECT count(*), count(DISTINCT convert_from(state, 'UTF8')::jsonb ->> "
            "'source_ref') FROM floor_events").fetchone()
    assert stored >= result["ops"]  # requests cut off at the end may be stored, uncounted
    assert refs == stored  # never the same alarm twice (a duplicate would not be new)
