"""Domain errors: a command broke a rule of the ticket's life."""

from datetime import UTC, datetime, tzinfo


class DomainError(Exception):
    """A business rule refused the command; `code` is stable for clients.

    The text pairs Chinese and English ("中文 (English)"); instants named in it stay data in
    `times` (placeholders `{name}` in both texts) so the edge can show them in the city's zone.
    """

    code = "rule_violated"

    def __init__(self, message: str, *, zh: str | None = None, field: str | None = None,
                 times: dict[str, datetime] | None = None):
        self.english = message
        self.zh = zh
        self.field = field
        self.times = dict(times or {})
        self.message = self.render(UTC)
        super().__init__(self.message)

    def render(self, tz: tzinfo) -> str:
        """The human text with every instant shown in `tz`."""
        shown = {name: _shown(at, tz) for name, at in self.times.items()}
        english = self.english.format(**shown) if shown else self.english
        if self.zh is None:
            return english
        return f"{self.zh.format(**shown) if shown else self.zh} ({english})"


def _shown(at: datetime, tz: tzinfo) -> str:
    try:
        return at.astimezone(tz).isoformat()
    except OverflowError:  # year 9999 has no room for the zone: show what was sent
        return at.isoformat()


class InvalidValue(DomainError):
    """A value is malformed or out of range (maps to 422)."""

    code = "invalid_value"


class NodeOutOfOrder(DomainError):
    """A node's business time is earlier than a node it must follow."""

    code = "node_out_of_order"


class TicketFinished(DomainError):
    """The ticket is closed or cancelled; its lifecycle is over."""

    code = "ticket_finished"


class InvalidTransition(DomainError):
    """The command does not fit the ticket's current stage."""

    code = "invalid_transition"
