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
    """The two-level fault cause classification (CPASE M 001-2015 appendix D categories), loaded
    from fault_causes.json; earlier provisional roots map through `previous_codes`."""

    def __init__(self, causes: dict[str, Any] | None = None,
                 previous: dict[str, str] | None = None):
        table = load("fault_causes")
        self.causes = causes if causes is not None else table["causes"]
        self.previous = previous if previous is not None else table.get("previous_codes", {})

    def describe(self, root: str, sub: str) -> str | None:
        """The cause's name, or None when (root, sub) is not a current code."""
        group = self.causes.get(root)
        if group is None or sub not in group["sub"]:
            return None
        return f"{group['name']} / {group['sub'][sub]}"

    def needs_note(self, root: str, sub: str) -> bool:
        """An "other" entry (其他…) says nothing by itself: the report must carry a note."""
        return self.causes.get(root, {}).get("sub", {}).get(sub, "").startswith("其他")

    def choices(self) -> list[tuple[str, str]]:
        """("root/sub", "root name / sub name") for every code, in table order."""
        return [(f"{root}/{sub}", f"{root}/{sub} {group['name']} / {name}")
                for root, group in self.causes.items() for sub, name in group["sub"].items()]

    def current(self, root: str | None, sub: str | None) -> tuple[str, str]:
        """The one mapping of a recorded cause to today's classification: (key, name). A current
        code keys as "root/sub"; an earlier provisional code keys as its category alone (its
        sub-causes have no counterpart; tickets keep their codes); anything else is "unknown"."""
        name = self.describe(root or "", sub or "")
        if name is not None:
            return f"{root}/{sub}", name
        category = self.previous.get(root or "")
        if category in self.causes:
            return category, self.causes[category]["name"]
        return "unknown", "未知 (unknown)"

    def merge_counts(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Ticket counts keyed "root/sub" as recorded, regrouped by current(), most first."""
        merged: dict[str, dict[str, Any]] = {}
        for row in rows:
            root, _, sub = (row["key"] or "").partition("/")
            key, name = self.current(root, sub)
            entry = merged.setdefault(key, {"key": key, "name": name, "tickets": 0})
            entry["tickets"] += row["tickets"]
        return sorted(merged.values(), key=lambda r: (-r["tickets"], r["key"]))


def districts() -> list[str]:
    return list(load("districts")["districts"])


def site_types() -> list[str]:
    return list(load("site_types")["site_types"])


def rescue_methods() -> dict[str, str]:
    """Rescue method code → name (救援方法), in table order; "9" (其他方法) needs a note."""
    return dict(load("rescue_methods")["methods"])
