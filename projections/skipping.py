"""Projections whose default is to skip: an event they have no use for moves only the position."""

from abc import ABC, abstractmethod
from typing import Any, Generic, TypeVar

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection


class SkippingViewPort(TrackingRecorder, ABC):
    @abstractmethod
    def skip(self, tracking: Tracking) -> None:
        """Record the tracking alone: the event was read and changes nothing here."""


View = TypeVar("View", bound=SkippingViewPort)


class SkippingProjection(Projection[View], Generic[View]):
    """Subclasses dispatch with `process_event = singledispatchmethod(SkippingProjection.skip)`
    and register a handler per event class they read."""

    def skip(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.skip(tracking)
