"""In-memory stand-ins for the ticket application's ports (the fast tier: no PostgreSQL)."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from dispatch.registry import RegistryApp
from dispatch.tickets import TicketApp

POPO = {"PERSISTENCE_MODULE": "eventsourcing.popo"}
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


class Numbers:
    def __init__(self) -> None:
        self.issued = 0

    def next_number(self, at: datetime) -> str:
        self.issued += 1
        return f"T{at:%Y%m%d}-{self.issued:06d}"


class Causes:
    def describe(self, root: str, sub: str) -> str | None:
        return "门锁故障" if (root, sub) == ("03", "01") else None

    def needs_note(self, root: str, sub: str) -> bool:
        return False


class Clock:
    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def ticket_app(clock: Clock | None = None, lifts: Any = None) -> TicketApp:
    return TicketApp(POPO, numbers=Numbers(), causes=Causes(), lifts=lifts,
                     clock=clock or Clock())


def registry_app() -> RegistryApp:
    return RegistryApp(POPO)


class Deadlines:
    """Rows handed to the dispatcher as the deadlines view would (each list used once)."""

    def __init__(self) -> None:
        self.notify: list[dict[str, Any]] = []
        self.unanswered_rows: list[dict[str, Any]] = []
        self.overdue_rows: list[dict[str, Any]] = []

    @contextmanager
    def to_notify(self, skip=(), limit=20):  # noqa: ANN201
        rows, self.notify = self.notify, []
        yield rows

    @contextmanager
    def unanswered(self, seconds: float, skip=(), limit=20):  # noqa: ANN201
        rows, self.unanswered_rows = self.unanswered_rows, []
        yield rows

    @contextmanager
    def overdue(self, minutes: int):  # noqa: ANN201
        rows, self.overdue_rows = self.overdue_rows, []
        yield rows


class Receipts:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    @contextmanager
    def unreached(self):  # noqa: ANN201
        rows, self.rows = self.rows, []
        yield rows


class Texts:
    """An SMS outbox that records what it sent; `refuse` makes the gateway say no."""

    channel = "sms"

    def __init__(self, refuse: bool = False):
        self.refuse, self.sent, self.receipts = refuse, [], Receipts()

    def send(self, key: str, ticket_id: str, recipients: Any, text: str) -> bool:
        self.sent.append({"key": key, "to": [r.mobile for r in recipients], "text": text})
        return not self.refuse
