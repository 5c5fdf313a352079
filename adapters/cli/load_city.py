"""What became of a `liftrescue load city` run's alarms (issue 18 item 5): acknowledged,
stored, dispatched and SMS-queued counts, and send → SMS queued latency (p50/p99)."""

import time
from typing import Any

import psycopg

STORED = ("SELECT count(DISTINCT originator_id) FROM tickets_events "
          "WHERE originator_id = ANY(%s::uuid[])")
DISPATCHED = ("SELECT count(DISTINCT originator_id) FROM tickets_events "
              "WHERE originator_id = ANY(%s::uuid[]) AND topic LIKE '%%StationNotified'")
# The first alert per ticket (not a worker's rescuer link): when the station's SMS was queued.
QUEUED = ("SELECT ticket_id, min(created_at) FROM sms_outbox WHERE ticket_id = ANY(%s) "
          "AND key NOT LIKE '%%:link:%%' GROUP BY ticket_id")
OPERATORS = ("SELECT count(DISTINCT originator_id) FROM tickets_events WHERE originator_id = "
             "ANY(%s::uuid[]) AND topic LIKE '%%StationNotified' "
             "AND convert_from(state, 'UTF8') LIKE '%%\"operators\"%%'")


def counts(conn: psycopg.Connection, tickets: list[str]) -> dict[str, Any]:
    stored = conn.execute(STORED, (tickets,)).fetchone()[0]
    dispatched = conn.execute(DISPATCHED, (tickets,)).fetchone()[0]
    queued = dict(conn.execute(QUEUED, (tickets,)).fetchall())
    return {"stored": stored, "dispatched": dispatched, "sms_queued": len(queued),
            "queued_at": queued}


def outcome(database_url: str, ledger: Any, wait: float = 120) -> dict[str, Any]:
    """Wait (up to `wait` s) until every stored ticket is dispatched, then count."""
    tickets = sorted({t for t in ledger.acknowledged.values()})
    deadline = time.monotonic() + wait
    with psycopg.connect(database_url, autocommit=True) as conn:
        while True:
            now = counts(conn, tickets)
            if now["dispatched"] >= now["stored"] or time.monotonic() > deadline:
                break
            time.sleep(1)
        desk = conn.execute(OPERATORS, (tickets,)).fetchone()[0]
    first_sent: dict[str, float] = {}
    for ref, ticket in ledger.acknowledged.items():  # linked alarms share a ticket: earliest
        at = ledger.sent_at.get(ref)
        if at is not None:
            first_sent[ticket] = min(at, first_sent.get(ticket, at))
    # Tickets queued before this run sent anything (a repeated alarm) tell nothing of it.
    latencies = sorted(queued.timestamp() - first_sent[t]
                       for t, queued in now.pop("queued_at").items()
                       if t in first_sent and queued.timestamp() >= first_sent[t])

    def pct(q: float) -> float | None:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2) \
            if latencies else None

    return {"acknowledged": len(ledger.acknowledged), "tickets": len(tickets), **now,
            "operators_desk": desk, "e2e_p50_s": pct(0.50), "e2e_p99_s": pct(0.99)}


def say(result: dict[str, Any]) -> str:
    return (f"acknowledged {result['acknowledged']} alarms → {result['tickets']} tickets; "
            f"stored {result['stored']}, dispatched {result['dispatched']}, SMS queued "
            f"{result['sms_queued']} (+ {result['operators_desk']} to the operators' desk: "
            f"unknown lifts, no SMS); send → SMS queued p50 {result['e2e_p50_s']} s, "
            f"p99 {result['e2e_p99_s']} s")
