"""The QR-scan hook: a lift's label opened on a phone whose rescuer link is for that lift.

The public lift page (`/p/lifts/{code}`, the label's URL) calls `arrival_from_scan(request,
code)` first; `/r/scan/{code}` does the same for labels printed with it. The scan only marks
the link: the arrival itself is the rescuer's tap on the page it leads to (a GET records no
ticket event)."""

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from adapters.http.rescuer.access import (
    COOKIE,
    LinkGone,
    TooManyMisses,
    client_of,
    links_of,
    resolve,
    services_of,
)


def arrival_from_scan(request: Request, code: str) -> Response | None:
    """The rescuer's page, ready to record arrival by qr_scan — or None (no rescuer link of a
    ticket on this lift in this browser: the caller shows its own page). Blocking: call it
    from a sync route or the thread pool."""
    link = request.cookies.get(COOKIE)
    if not link:
        return None
    links = links_of(request)
    try:
        # An old cookie (its ticket closed) is no guess; an unknown one is counted.
        rescuer = resolve(services_of(request), links, client_of(request), link, counted=False)
    except (LinkGone, TooManyMisses):
        return None
    if (rescuer.ticket.lift or {}).get("registration_code") != code:
        return None  # another lift's label: this link's ticket is elsewhere
    links.scanned(rescuer.link, code)
    return RedirectResponse(f"/r/{link}?scanned=1", status_code=303,
                            headers={"Cache-Control": "no-store"})
