"""The ticket's state questions and guards: what a command checks before an event is recorded."""

from datetime import datetime
from typing import Any

from domain.errors import InvalidTransition, NodeOutOfOrder, TicketFinished
from domain.values import NODE_ORDER, NODE_ZH, Node, require_aware

MAX_LEVEL = 3

# Business-time nodes set by each event type (used by views and replays).
NODE_OF_EVENT = {
    "AlarmReceived": Node.RECEIVED,
    "StationNotified": Node.NOTIFIED,
    "ResponderAssigned": Node.ASSIGNED,
    "ArrivedOnSite": Node.ARRIVED,
    "PassengersReleased": Node.RELEASED,
    "Closed": Node.CLOSED,
}



class TicketRules:
    """Mixed into `Ticket`: reads its `times`, `cancelled`, `lift` and `ticket_no`."""

    times: dict[str, datetime]
    cancelled: dict[str, Any] | None
    lift: dict[str, Any] | None
    ticket_no: str

    @property
    def status(self) -> str:
        if self.cancelled:
            return "cancelled"
        for node in reversed(NODE_ORDER):
            if node in self.times:
                return node.value
        return Node.RECEIVED.value

    @property
    def unit_id(self) -> str | None:
        """The maintenance unit accountable for the lift (None for an unknown lift)."""
        return (self.lift or {}).get("unit_id")

    @property
    def is_finished(self) -> bool:
        return self.cancelled is not None or Node.CLOSED in self.times

    def _check_open(self) -> None:
        if self.is_finished:
            raise TicketFinished(f"ticket {self.ticket_no} is {self.status}; no further steps",
                                 zh=f"工单 {self.ticket_no} 已结束（{self.status}），不能再操作")

    def _check_not_done(self, node: Node) -> None:
        if node in self.times:
            raise InvalidTransition(f"ticket {self.ticket_no} is already {node.value}",
                                    zh=f"工单 {self.ticket_no} 已{NODE_ZH[node]}")

    def _check_after(self, node: Node, at: datetime, field: str = "at") -> None:
        """`at` must not precede any node that comes before `node`."""
        require_aware(at, field)
        for earlier in NODE_ORDER[: NODE_ORDER.index(node)]:
            when = self.times.get(earlier)
            if when is not None and at < when:
                raise NodeOutOfOrder(
                    f"{node.value} at {{at}} is earlier than {earlier.value} at {{when}}",
                    zh=f"{NODE_ZH[node]}时间 {{at}} 早于{NODE_ZH[earlier]}时间 {{when}}",
                    field=field, times={"at": at, "when": when},
                )

    def _check_before_later_nodes(self, node: Node, at: datetime) -> None:
        for later in NODE_ORDER[NODE_ORDER.index(node) + 1 :]:
            when = self.times.get(later)
            if when is not None and at > when:
                raise NodeOutOfOrder(
                    f"{node.value} at {{at}} would be later than {later.value} at {{when}}",
                    zh=f"{NODE_ZH[node]}时间 {{at}} 将晚于{NODE_ZH[later]}时间 {{when}}",
                    field="new", times={"at": at, "when": when},
                )

    def _check_notified(self, step: str) -> None:
        if Node.NOTIFIED not in self.times:
            raise NodeOutOfOrder(f"cannot {step} before a station was notified",
                                 zh="尚未通知救援站，不能进行此操作")

    def _check_not_on_site(self, message: str, zh: str) -> None:
        if Node.ARRIVED in self.times or Node.RELEASED in self.times:
            raise InvalidTransition(message, zh=zh)
