"""What the public pages need: their reads, the 12-month window, the QR target, the budget."""

import hashlib
from datetime import datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import segno
from fastapi import Depends, Request, Response

from adapters.http.deps import ServicesDep
from adapters.http.public.rate_limit import limit
from adapters.http.security_headers import POLICY
from adapters.postgres.public_standing import PublicStanding
from domain.values import REGISTRATION_CODE, RESCUE_CODE

MAX_AGE = 300  # seconds a phone or a proxy may reuse a page: figures move slowly
YEAR = timedelta(days=365)
# Public pages use no inline style: a policy without the per-request nonce keeps every answer
# (a lift's page, the one 404) the same bytes, headers included, whatever was asked.
PUBLIC_POLICY = POLICY.replace(" 'nonce-{nonce}'", "")


def standing(services: ServicesDep) -> PublicStanding:
    return PublicStanding(services.pool, services.settings.arrival_limits())


async def rate_limited(request: Request, services: ServicesDep) -> None:
    limit(services.public_buckets, request)


StandingDep = Annotated[PublicStanding, Depends(standing)]
RateLimited = Depends(rate_limited)


def well_formed(code: str) -> bool:
    """A registration code (20 digits) or a rescue code (6 digits); anything else is unknown."""
    return bool(REGISTRATION_CODE.match(code) or RESCUE_CODE.match(code))


def since_a_year(timezone: str) -> tuple[datetime, str]:
    """The start of the 12-month window, and now as the city reads it."""
    now = datetime.now(ZoneInfo(timezone))
    return now - YEAR, now.strftime("%Y-%m-%d %H:%M")


def lift_page_url(public_base_url: str, code: str) -> str:
    """The absolute address a lift's QR code points at."""
    return f"{public_base_url.rstrip('/')}/p/lifts/{code}"


def qr_code(public_base_url: str, code: str) -> segno.QRCode:
    """The one QR encoding of a lift page's URL (labels, SVG and PNG all use it)."""
    return segno.make_qr(lift_page_url(public_base_url, code), error="m")


def cached(request: Request, body: bytes, media_type: str, status: int = 200) -> Response:
    """A public answer with Cache-Control and a content ETag; 304 when the client has it."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    # Vary: Cookie — a rescuer's phone holding a link cookie gets the arrival page for the same
    # URL (adapters/http/rescuer/scan.py): no cache may answer it with the public copy.
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}", "ETag": etag,
               "Content-Security-Policy": PUBLIC_POLICY, "Vary": "Cookie"}
    if status == 200 and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type=media_type, headers=headers)
