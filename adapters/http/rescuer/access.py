"""Who a rescuer link is: the live link, its open ticket and its worker — or the one 404 page.

Every miss (unknown, expired, closed ticket, removed worker) looks the same and is counted
against the client address; an address that misses too often gets 429 for every /r/ page."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import HTMLResponse

from adapters.bootstrap import Services
from adapters.postgres.rescuer_links import RescuerLink, RescuerLinks, links_store
from dispatch.errors import NotFound
from domain.ticket import Ticket
from domain.values import Node

COOKIE = "rescuer_link"  # the phone's active link, for the QR label page (HttpOnly, Lax, /)


class LinkGone(Exception):
    """The link opens nothing: the same plain 404 whatever the reason."""


class TooManyMisses(Exception):
    """This address guessed too many links: 429."""


@dataclass(frozen=True)
class Rescuer:
    """A live link, its open ticket and the worker it was texted to."""

    link: RescuerLink
    ticket: Ticket
    worker: dict[str, Any]

    @property
    def actor(self) -> str:
        return f"rescuer:{self.link.worker_id}"


def services_of(request: Request) -> Services:
    """For the scan hook only, whose contract is (request, code): the public page calls it
    without our dependencies (routes here take ServicesDep)."""
    return request.app.state.services


def links_of(request: Request) -> RescuerLinks:
    """The link store (cheap: it only holds the pool and the settings)."""
    services = services_of(request)
    return links_store(services.pool, services.settings)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def open_ticket(ticket: Ticket) -> bool:
    """A link lives until its ticket closes (or is cancelled)."""
    return Node.CLOSED not in ticket.times and ticket.cancelled is None


def resolve(services: Services, links: RescuerLinks, client: str, link: str,
            counted: bool = True) -> Rescuer:
    """The rescuer behind `link`, or LinkGone (counted against the address) / TooManyMisses.
    `counted=False` (a cookie): a real link whose ticket has closed is no guess, an unknown
    one still is — else the cookie would be a way round the limit."""
    if links.throttled(client):
        raise TooManyMisses()
    found = links.find(link) if 20 <= len(link) <= 64 else None
    rescuer = _rescuer(services, found) if found else None
    if rescuer is None:
        if counted or found is None:
            links.missed(client)
        raise LinkGone()
    return rescuer


def _rescuer(services: Services, link: RescuerLink) -> Rescuer | None:
    try:
        ticket = services.tickets.ticket(UUID(link.ticket_id))
        worker = services.registry.station(link.station_id).workers.get(link.worker_id)
    except NotFound:
        return None
    if worker is None or not open_ticket(ticket):
        return None
    return Rescuer(link, ticket, worker)


GONE_HTML = ("<!doctype html><html lang=zh-CN><meta charset=utf-8><meta name=viewport "
             "content='width=device-width, initial-scale=1'><title>404</title>"
             "<h1>链接无效或已过期 (link not valid or expired)</h1></html>")


def gone() -> HTMLResponse:
    """The one 404 page for every miss: nothing tells a guesser why."""
    return HTMLResponse(GONE_HTML, status_code=404)


def too_many() -> HTMLResponse:
    return HTMLResponse("<!doctype html><meta charset=utf-8><h1>请求过多，请稍后再试 "
                        "(too many requests, try later)</h1>", status_code=429,
                        headers={"Retry-After": "60"})
