"""Delivery receipts from the SMS gateway, signed with the shared secret (HMAC-SHA256).

The gateway POSTs JSON {key, recipient, status: delivered|failed, at, error?} with the header
`X-LiftRescue-Signature: sha256=<hex HMAC-SHA256 of the raw body, key sms_receipt_secret>`.
`key` (alias `message_id`) is the outbox key LiftRescue sent the message with.
"""

import hashlib
import hmac
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import AliasChoices, AwareDatetime, BaseModel, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from adapters.http.deps import ServicesDep
from domain.values import MOBILE

router = APIRouter(prefix="/v1/sms/receipts", tags=["dispatch"])
SIGNATURE = "X-LiftRescue-Signature"


class SmsReceipt(BaseModel):
    """What the gateway knows of one recipient's copy of one message."""

    key: str = Field(min_length=1, max_length=200,
                     validation_alias=AliasChoices("key", "message_id"))
    recipient: str = Field(description="The recipient's mobile (+86 prefix allowed)")
    status: Literal["delivered", "failed"]
    at: AwareDatetime
    error: str | None = Field(None, max_length=500)

    @field_validator("recipient")
    @classmethod
    def _mobile(cls, value: str) -> str:
        mobile = re.sub(r"^(\+?86)(?=1\d{10}$)", "", value.strip())
        if not MOBILE.match(mobile):
            raise ValueError("not a mainland mobile number")
        return mobile


def signature_for(secret: str, body: bytes) -> str:
    """The header value a gateway sends for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# The body is read raw: the signature covers its bytes and is checked before anything parses
# them (an unsigned body is 401 whatever it holds), so the spec describes the body in words.
@router.post("", description=__doc__)
async def record_receipt(request: Request, services: ServicesDep,
                         signature: Annotated[str | None, Header(alias=SIGNATURE)] = None
                         ) -> dict[str, Any]:
    """Record one delivery receipt; a failure for every addressee escalates the ticket."""
    secret = services.settings.sms_receipt_secret
    if secret is None:
        raise HTTPException(403, "SMS receipts are not enabled: set LIFTRESCUE_SMS_RECEIPT_SECRET")
    body = await request.body()
    if not signature or not hmac.compare_digest(
            signature.encode(), signature_for(secret.get_secret_value(), body).encode()):
        raise HTTPException(401, f"missing or wrong {SIGNATURE}")
    try:
        receipt = SmsReceipt.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None
    new = await run_in_threadpool(services.sms.receipts.record, receipt.key, receipt.recipient,
                                  receipt.status, receipt.at, receipt.error)
    return {"key": receipt.key, "status": receipt.status, "recorded": new}

