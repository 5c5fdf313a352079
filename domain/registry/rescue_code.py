"""A rescue code (救援识别码) claim: the 6-digit code is held by at most one lift city-wide.

The claim's id is derived from the code, so two lifts claiming one code write to the same
aggregate and the second save collides on its version: uniqueness without a lookup."""

import uuid

from eventsourcing.domain import Aggregate, event

from domain.errors import DomainError
from domain.events import RegistryEvent

RESCUE_CODE_NAMESPACE = uuid.UUID("5c0f7a3e-2b8d-5f41-a6e9-3d7c1b0e8f24")


def claim_id(rescue_code: str) -> uuid.UUID:
    return uuid.uuid5(RESCUE_CODE_NAMESPACE, rescue_code)


class RescueCodeTaken(DomainError):
    """Another lift holds the rescue code (which one is not said: other units stay private)."""

    code = "rescue_code_taken"

    def __init__(self, rescue_code: str):
        super().__init__(f"rescue code {rescue_code} is already used by another lift: "
                         "rescue codes are unique city-wide, choose another",
                         zh=f"救援码 {rescue_code} 已被其他电梯使用：救援码全市唯一，请另选",
                         field="rescue_code")


class RescueCodeClaim(Aggregate):
    class Claimed(RegistryEvent, Aggregate.Created):
        rescue_code: str
        holder: str

    class Reclaimed(RegistryEvent):
        holder: str

    class Released(RegistryEvent):
        holder: str

    create_id = staticmethod(claim_id)

    @event(Claimed)
    def __init__(self, *, rescue_code: str, holder: str, actor: str, correlation_id: str):
        self.rescue_code = rescue_code
        self.holder: str | None = holder

    def claim(self, *, holder: str, actor: str, correlation_id: str) -> None:
        """`holder` (a registration code) takes the code, unless another lift holds it."""
        if self.holder == holder:
            return
        if self.holder is not None:
            raise RescueCodeTaken(self.rescue_code)
        self._reclaimed(holder=holder, actor=actor, correlation_id=correlation_id)

    def release(self, *, holder: str, actor: str, correlation_id: str) -> None:
        """`holder` gives the code up (it changed or dropped its rescue code)."""
        if self.holder == holder:
            self._released(holder=holder, actor=actor, correlation_id=correlation_id)

    @event(Reclaimed)
    def _reclaimed(self, holder, actor, correlation_id):
        self.holder = holder

    @event(Released)
    def _released(self, holder, actor, correlation_id):
        self.holder = None
