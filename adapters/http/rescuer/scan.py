"""The QR-scan hook: a lift's label opened on a phone whose rescuer link is for that lift.

The public lift page (`/p/lifts/{code}`) calls `arrival_from_scan(request, code)` first; until it
exists `/r/scan/{code}` is the label's URL. The scan only marks the link: the arrival itself is
the rescuer's tap on the page it leads to (a GET records no ticket event)."""

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from adapters.http.rescuer.access import (
    COOKIE, LinkGone, TooManyMisses, client_of, links_of, resolve, services_of,
)


def _mark(request: Request, link: str, code: str) -> bool:
    links = links_of(request)
    try:
        rescuer = resolve(services_of(request), links, client_of(request), link)
    except (LinkGone, TooManyMisses):
        return False
    if (rescuer.ticket.lift or {}).get("registration_code") != code:
        return False  # another lift's label: this link's ticket is elsewhere
    links.scanned(rescuer.link, code)
    return True


async def arrival_from_scan(request: Request, code: str) -> Response | None:
    """The rescuer's page, ready to record arrival by qr_scan — or None (not a rescuer of a
    ticket on this lift: the caller shows its own page)."""
    link = request.cookies.get(COOKIE)
    if not link or not await run_in_threadpool(_mark, request, link, code):
        return None
    return RedirectResponse(f"/r/{link}?scanned=1", status_code=303)
