"""The arrival limit: minutes from the maintenance side's notification to the rescuer on site.

TSG T5002-2017 art. 5: 30 minutes in a municipality or a city divided into districts, generally
1 hour elsewhere; Shenzhen's regulation (art. 26): 30 minutes everywhere. So the limit is a
default with exceptions per district (the lift's district as the ticket recorded it).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from domain.errors import InvalidValue

NATIONAL_URBAN_MINUTES = 30


@dataclass(frozen=True)
class ArrivalLimits:
    """The default limit and the districts whose limit differs (district name → minutes)."""

    default: int = NATIONAL_URBAN_MINUTES
    by_district: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for district, minutes in {"default": self.default, **self.by_district}.items():
            if not isinstance(minutes, int) or minutes < 1:
                raise InvalidValue(f"arrival limit of {district} must be a whole number of "
                                   "minutes ≥ 1", field="arrival_limit",
                                   zh=f"{district} 的到场时限须为不小于 1 的整数分钟")
        object.__setattr__(self, "by_district", MappingProxyType(dict(self.by_district)))

    @classmethod
    def of(cls, limits: "ArrivalLimits | int") -> "ArrivalLimits":
        """A plain number of minutes is the same limit everywhere."""
        return limits if isinstance(limits, ArrivalLimits) else cls(int(limits))

    def minutes(self, district: str | None) -> int:
        """The limit that applies to a lift in `district` (unknown or none: the default)."""
        return self.by_district.get(district or "", self.default)

    def is_overtime(self, district: str | None, elapsed_minutes: float) -> bool:
        """Strictly past the limit (30:00 is on time, 30:01 is not)."""
        return elapsed_minutes > self.minutes(district)


def arrival_limit(limits: ArrivalLimits, district: str | None) -> int:
    """The one place a lift's arrival limit is read (minutes)."""
    return limits.minutes(district)
