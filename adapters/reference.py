"""Reference data shipped with the service (districts, site types, fault causes)."""

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def load(name: str) -> Any:
    """Parse adapters/reference/<name>.json once."""
    return json.loads(files("adapters").joinpath("reference", f"{name}.json").read_text("utf-8"))


class FaultCauseTable:
    """The two-level fault cause code table, loaded from fault_causes.json."""

    def __init__(self, causes: dict[str, Any] | None = None):
        self.causes = causes if causes is not None else load("fault_causes")["causes"]

    def describe(self, root: str, sub: str) -> str | None:
        group = self.causes.get(root)
        if group is None or sub not in group["sub"]:
            return None
        return f"{group['name']} / {group['sub'][sub]}"

    def choices(self) -> list[tuple[str, str]]:
        """("root/sub", "root name / sub name") for every code, in table order."""
        return [(f"{root}/{sub}", f"{root}/{sub} {group['name']} / {name}")
                for root, group in self.causes.items() for sub, name in group["sub"].items()]


def districts() -> list[str]:
    return list(load("districts")["districts"])


def site_types() -> list[str]:
    return list(load("site_types")["site_types"])


def rescue_methods() -> dict[str, str]:
    """Rescue method code → name (救援方法), in table order; "9" (其他方法) needs a note."""
    return dict(load("rescue_methods")["methods"])
