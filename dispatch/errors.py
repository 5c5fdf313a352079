"""Application errors, beside the domain's rule violations."""


class NotFound(Exception):
    """No such resource (or not visible to the caller): 404."""


class TicketNotFound(NotFound):
    """No ticket with that id (or not visible to the caller)."""


class VersionMismatch(Exception):
    """If-Match named a version that is no longer current (maps to 412)."""

    def __init__(self, expected: int, actual: int):
        super().__init__(f"工单已是第 {actual} 版，而非第 {expected} 版 "
                         f"(ticket is at version {actual}, not {expected})")
        self.expected, self.actual = expected, actual


class ConcurrentUpdate(Exception):
    """Another writer saved first and retrying did not settle it (maps to 409)."""
