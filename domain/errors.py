"""Domain errors: a command broke a rule of the ticket's life."""


class DomainError(Exception):
    """A business rule refused the command; `code` is stable for clients."""

    code = "rule_violated"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


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
