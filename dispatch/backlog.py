"""The dispatcher's memory of the deadline rows it already acted on.

The deadlines view learns of an action only when its projection reaches the new event; under
load it lags, and until then the acted-on rows still look due. Remembered by (ticket, version),
they are left out of the next rounds, so a lagging view never holds up the alarms behind them
(and nothing re-reads a ticket only to find it stale)."""

import time
from collections.abc import Callable
from typing import Any

KEEP_SECONDS = 600.0  # long past any view lag worth waiting for; then the row is read again


def row_key(row: dict[str, Any]) -> str:
    """`ticket_id:version`, the same text the deadline queries compare with."""
    return f"{row['ticket_id']}:{row['version']}"


class ActedRows:
    """(ticket, version) keys acted on, each forgotten after `keep` seconds."""

    def __init__(self, keep: float = KEEP_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.keep, self.clock = keep, clock
        self._at: dict[str, float] = {}

    def add(self, row: dict[str, Any]) -> None:
        self._at[row_key(row)] = self.clock()

    def keys(self) -> list[str]:
        """The keys still remembered (expired ones are dropped here)."""
        horizon = self.clock() - self.keep
        self._at = {k: at for k, at in self._at.items() if at > horizon}
        return list(self._at)

    def __len__(self) -> int:
        return len(self._at)
