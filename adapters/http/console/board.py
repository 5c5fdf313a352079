"""The live board: open tickets with clocks since receipt and since notification, pushed by SSE.

The stream carries only a "board changed" signal computed inside the caller's unit scope; the
rows themselves are fetched through the same scoped query, so nothing crosses units."""

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from adapters.http.console.rendering import render
from adapters.http.console.session import COOKIE, ConsoleScope
from adapters.http.deps import ServicesDep, SettingsDep, TicketQueriesDep

router = APIRouter(prefix="/console", include_in_schema=False)
POLL_SECONDS = 1.0
STREAM_SECONDS = 300  # the browser reconnects by itself; bounded streams never pin a shutdown
# A revoked token, closed or expired session ends an open stream within this (+ one poll).
RECHECK_SECONDS = 2.0


@router.get("/board")
def board(request: Request, scope: ConsoleScope, queries: TicketQueriesDep,
          settings: SettingsDep) -> HTMLResponse:
    # The signature is read before the rows: a change in between shows up as an event.
    since = queries.board_signature(scope)
    return render(request, "board.html", rows=queries.board(scope), since=since,
                  limit=settings.overtime_minutes, unnotified=settings.unnotified_alarm_minutes)


@router.get("/board/rows")
def rows(request: Request, scope: ConsoleScope, queries: TicketQueriesDep,
         settings: SettingsDep) -> HTMLResponse:
    return render(request, "board_rows.html", rows=queries.board(scope),
                  limit=settings.overtime_minutes, unnotified=settings.unnotified_alarm_minutes)


@router.get("/board/stream")
async def stream(request: Request, scope: ConsoleScope, services: ServicesDep,
                 since: str | None = None) -> StreamingResponse:
    """`since` = the signature the page was rendered with, so no change slips in between."""
    queries, session = services.ticket_queries, request.cookies.get(COOKIE, "")

    async def still_valid() -> bool:
        try:
            return await run_in_threadpool(services.sessions.principal, session) is not None
        except Exception:  # noqa: BLE001 — database away: the next check decides
            return True

    async def events() -> AsyncIterator[str]:
        last = since or await run_in_threadpool(queries.board_signature, scope)
        yield "retry: 2000\n\n"
        ends = time.monotonic() + STREAM_SECONDS
        checked = time.monotonic()
        while time.monotonic() < ends and not await request.is_disconnected():
            await asyncio.sleep(POLL_SECONDS)
            if time.monotonic() - checked >= RECHECK_SECONDS:
                checked = time.monotonic()
                if not await still_valid():  # revoked or logged out: stop pushing, say why
                    yield "event: logout\ndata: session ended\n\n"
                    return
            try:
                now = await run_in_threadpool(queries.board_signature, scope)
            except Exception:  # noqa: BLE001 — database away: keep the stream, retry next tick
                yield ": waiting for the database\n\n"
                continue
            if now != last:
                last = now
                yield "event: board\ndata: changed\n\n"
            else:
                yield ": keep-alive\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
