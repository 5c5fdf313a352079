"""Registry contacts as the API shows them (issue 14): full mobiles, read from the
personal-data store, to admins, operators and the record's own unit; masked to auditors."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends

from adapters.http.auth import Reader
from adapters.http.deps import ServicesDep
from dispatch.personal_data import full_number
from domain.values import mask_mobile

Phone = Callable[[dict[str, Any] | None], dict[str, Any] | None]


def phone_shown(store: Any, full: bool) -> Phone:
    """Maps a recorded contact (whole, or masked + ref) to {name, mobile} as this reader sees it;
    a purged or unreadable number reads masked."""
    def shown(contact: dict[str, Any] | None) -> dict[str, Any] | None:
        if not contact:
            return contact
        number = full_number(store, contact, "mobile")[0] if full else None
        return {**contact, "mobile": number or mask_mobile(contact.get("mobile"))}
    return shown


async def registry_phones(principal: Reader, services: ServicesDep) -> Phone:
    # Owned* dependencies already refuse other units' records to unit users.
    return phone_shown(services.personal_data, principal.role != "auditor")


PhonesDep = Annotated[Phone, Depends(registry_phones)]
