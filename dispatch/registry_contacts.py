"""Registry contacts sealed before they become events: the full mobile goes to the
personal-data store, the event keeps {name, mobile: masked, mobile_ref} (issue 14)."""

from typing import Any

from dispatch.personal_data import full_number, sealed
from dispatch.ports import PersonalData
from domain.registry.contacts import contact


class ContactSealer:
    """Validates a contact as given (a full number only) and seals it; without a store (in-memory
    unit tests) contacts stay whole, as every registry event before issue 14 holds them."""

    def __init__(self, store: PersonalData | None):
        self.store = store

    def seal(self, value: dict[str, Any] | None, field: str,
             current: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """The contact for the event; `current` is reused when it names the same person and
        number, so re-sending unchanged facts records nothing new."""
        if value is None:
            return None
        # Only {name, mobile} from the caller: a ref can only come from sealing here.
        checked = contact({"name": value.get("name"), "mobile": value.get("mobile")}, field)
        if self.store is None or checked is None:
            return checked
        if current and current.get("name") == checked["name"] and \
                full_number(self.store, current, "mobile")[0] == checked["mobile"]:
            return dict(current)
        return sealed(self.store, f"registry_{field.split('.')[0]}", checked, "mobile")

    def seal_in(self, fields: dict[str, Any], key: str,
                current: dict[str, Any] | None = None) -> dict[str, Any]:
        """`fields` with its `key` contact sealed (unchanged when the key is absent)."""
        if key not in fields:
            return fields
        return {**fields, key: self.seal(fields[key], key, current)}
