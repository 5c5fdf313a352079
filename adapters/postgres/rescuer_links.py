"""Rescuer links (issue 17): one random link per worker and ticket; only its SHA-256 is kept.

A link opens its own ticket only, until the ticket closes and at most `hours` after it was made;
anything else (unknown, expired, another ticket) is the same miss, counted per client address.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from adapters.postgres.tokens import digest
from adapters.runtime.settings import Settings

LINK_BYTES = 24  # 192 bits, url-safe: 32 characters in the SMS


@dataclass(frozen=True)
class RescuerLink:
    """A live link: whose it is and for which ticket (never the link itself)."""

    link_hash: str
    ticket_id: str
    station_id: str
    worker_id: str
    expires_at: datetime
    scanned_at: datetime | None = None
    scanned_code: str | None = None


class RescuerLinks:
    def __init__(self, pool: ConnectionPool, *, base_url: str, hours: float = 24,
                 max_misses: int = 10, window: timedelta = timedelta(minutes=10)):
        self.pool, self.base_url = pool, base_url.rstrip("/")
        self.lifetime, self.max_misses, self.window = timedelta(hours=hours), max_misses, window

    def issue(self, ticket_id: str, station_id: str, worker_id: str, sms_key: str) -> str | None:
        """A new link for the worker on the ticket: the URL to text them; None when the message
        `sms_key` already went out with one (a retried notification is not texted twice). A link
        made but never texted (the process stopped in between) is replaced: its hash was the
        only trace, and nobody holds it."""
        link = secrets.token_urlsafe(LINK_BYTES)
        with self.pool.connection() as conn:
            made = conn.execute(
                "INSERT INTO rescuer_links (link_hash, ticket_id, station_id, worker_id, sms_key, "
                "expires_at) VALUES (%s, %s, %s, %s, %s, now() + %s) "
                "ON CONFLICT (sms_key) DO UPDATE SET link_hash = EXCLUDED.link_hash, "
                "expires_at = EXCLUDED.expires_at WHERE NOT EXISTS "
                "(SELECT 1 FROM sms_outbox WHERE sms_outbox.key = rescuer_links.sms_key)",
                (digest(link), ticket_id, station_id, worker_id, sms_key,
                 self.lifetime)).rowcount
        return f"{self.base_url}/r/{link}" if made else None

    def find(self, link: str) -> RescuerLink | None:
        """The live link, or None (unknown or expired: the caller answers the same 404)."""
        with self.pool.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            row = cur.execute("SELECT link_hash, ticket_id, station_id, worker_id, expires_at, "
                              "scanned_at, scanned_code FROM rescuer_links WHERE link_hash = %s "
                              "AND expires_at > now()", (digest(link),)).fetchone()
        return RescuerLink(**row) if row else None

    def scanned(self, link: RescuerLink, code: str) -> None:
        """The lift's QR label was opened on the phone holding this link."""
        with self.pool.connection() as conn:
            conn.execute("UPDATE rescuer_links SET scanned_at = now(), scanned_code = %s "
                         "WHERE link_hash = %s", (code, link.link_hash))

    def throttled(self, client: str) -> bool:
        """Has this address missed too often within the window?"""
        with self.pool.connection() as conn:
            count = conn.execute("SELECT count(*) FROM rescuer_link_misses WHERE client = %s "
                                 "AND missed_at > now() - %s", (client, self.window)).fetchone()[0]
        return count >= self.max_misses

    def missed(self, client: str) -> None:
        """Count a wrong or expired link against the address (old misses are dropped)."""
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO rescuer_link_misses (client) VALUES (%s)", (client,))
            conn.execute("DELETE FROM rescuer_link_misses WHERE missed_at < now() - %s",
                         (self.window,))


def links_store(pool: ConnectionPool, settings: Settings) -> RescuerLinks:
    """The store as the settings configure it."""
    return RescuerLinks(pool, base_url=settings.public_base_url, hours=settings.rescuer_link_hours,
                        max_misses=settings.rescuer_link_max_misses,
                        window=timedelta(minutes=settings.rescuer_link_window_minutes))
