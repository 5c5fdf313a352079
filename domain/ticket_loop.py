"""Closing the loop (city standard): release with a rescue method, fault report, callback
confirmation (回访确认), close. Mixed into `Ticket`, whose `_released`... record the events."""

from datetime import datetime
from typing import Any

from domain.errors import InvalidTransition, InvalidValue, NodeOutOfOrder, TicketFinished
from domain.values import Node, ReleasedBy

OTHER_METHOD = "9"  # 其他方法: the method is described in the note
CONFIRMED_BY = ("trapped_person", "using_unit")


def released_v1_v2(state: dict[str, Any]) -> None:
    """PassengersReleased v1 (before the city standard) recorded no rescue method."""
    state["rescue_method"] = None
    state["rescue_note"] = None


def closed_v1_v2(state: dict[str, Any]) -> None:
    """Closed v1 needed no callback confirmation, so it gave no reason for lacking one."""
    state["without_callback_reason"] = None


class TicketLoop:
    """The commands after the rescue; guards come from TicketRules, events from Ticket."""

    times: dict[str, datetime]
    cancelled: dict[str, Any] | None
    callback: dict[str, Any] | None

    def release(self, *, at: datetime, released_count: int, released_by: str, actor: str,
                correlation_id: str, rescue_method: str | None = None,
                rescue_note: str | None = None) -> None:
        self._check_open()
        self._check_not_done(Node.RELEASED)
        by = ReleasedBy(released_by)
        if by is ReleasedBy.RESCUER and Node.ARRIVED not in self.times:
            raise NodeOutOfOrder("a rescuer cannot release passengers before arriving on site",
                                 zh="救援人员到场前不能解救被困人员")
        if released_count < 0:
            raise InvalidValue("released_count cannot be negative", field="released_count",
                               zh="解救人数不能为负数")
        note = (rescue_note or "").strip() or None
        if rescue_method == OTHER_METHOD and note is None:
            raise InvalidValue("rescue method 9 (other) needs a rescue_note describing it",
                               zh="救援方法「9 其他方法」需要说明", field="rescue_note")
        self._check_after(Node.RELEASED, at)
        self._released(released_count=released_count, released_by=by.value,
                       rescue_method=rescue_method, rescue_note=note, occurred_at=at,
                       actor=actor, correlation_id=correlation_id)

    def file_fault_report(self, *, at: datetime, cause_root: str, cause_sub: str,
                          description: str, actor: str, correlation_id: str) -> None:
        if self.cancelled:
            raise TicketFinished("a cancelled ticket has no fault to report",
                                 zh="已取消的工单没有故障可报")
        if Node.RELEASED not in self.times:
            raise InvalidTransition("a fault report follows the release of the passengers",
                                    zh="故障报告须在解救完成之后")
        self._check_after(Node.RELEASED, at)
        self._fault_report_filed(cause_root=cause_root, cause_sub=cause_sub,
                                 description=description, occurred_at=at, actor=actor,
                                 correlation_id=correlation_id)

    def confirm_callback(self, *, at: datetime, confirmed_by: str, note: str | None, actor: str,
                         correlation_id: str) -> None:
        """回访确认: the trapped person or the using unit confirmed the rescue, once."""
        self._check_open()
        if Node.RELEASED not in self.times:
            raise InvalidTransition("a callback confirmation follows the release of the passengers",
                                    zh="回访确认在解救完成之后")
        if self.callback is not None:
            raise InvalidTransition("the callback was already confirmed", zh="回访已确认")
        if confirmed_by not in CONFIRMED_BY:
            raise InvalidValue(f"confirmed_by must be one of {', '.join(CONFIRMED_BY)}",
                               zh=f"回访确认人须为 {'、'.join(CONFIRMED_BY)} 之一",
                               field="confirmed_by")
        self._check_after(Node.CLOSED, at)
        self._callback_confirmed(confirmed_by=confirmed_by, note=(note or "").strip() or None,
                                 occurred_at=at, actor=actor, correlation_id=correlation_id)

    def close(self, *, at: datetime, actor: str, correlation_id: str,
              without_callback_reason: str | None = None) -> None:
        self._check_open()
        if Node.RELEASED not in self.times:
            raise InvalidTransition("only a ticket whose passengers are released can be closed",
                                    zh="解救完成后才能结案")
        reason = (without_callback_reason or "").strip() or None
        if self.callback is None and reason is None:
            raise InvalidTransition(
                "a ticket closes after a callback confirmation (POST .../callback) or with a "
                "without_callback_reason", zh="关闭前需要回访确认，或说明未回访的原因")
        if self.callback is not None:
            reason = None  # confirmed: a reason for lacking a callback means nothing
        self._check_after(Node.CLOSED, at)
        self._closed(without_callback_reason=reason, occurred_at=at, actor=actor,
                     correlation_id=correlation_id)
