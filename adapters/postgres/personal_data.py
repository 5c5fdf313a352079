"""The personal-data table: each value encrypted with AES-256-GCM, purged by crypto-shredding."""

import os
import uuid
from datetime import timedelta

import structlog
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg_pool import ConnectionPool

from dispatch.ports import Revealed

log = structlog.get_logger(__name__)
NONCE_BYTES = 12


class PersonalDataStore:
    """Values in, references out; the reference is bound into the ciphertext (associated data),
    so a ciphertext copied onto another row does not decrypt."""

    def __init__(self, pool: ConnectionPool, key: bytes):
        self.pool, self.aead = pool, AESGCM(key)

    def keep(self, kind: str, value: str) -> str:
        """Encrypt and store now (before the event naming it is saved); the new reference."""
        ref, nonce = uuid.uuid4(), os.urandom(NONCE_BYTES)
        sealed = self.aead.encrypt(nonce, value.encode(), ref.bytes)
        with self.pool.connection() as conn:
            conn.execute("INSERT INTO personal_data (ref, kind, ciphertext, nonce) "
                         "VALUES (%s, %s, %s, %s)", (ref, kind, sealed, nonce))
        return str(ref)

    def reveal(self, ref: str) -> Revealed:
        """The full value, or why not: purged, unknown or unreadable (another key)."""
        try:
            key = uuid.UUID(ref)
        except (ValueError, TypeError):
            return Revealed(None, "unknown")
        with self.pool.connection() as conn:
            row = conn.execute("SELECT ciphertext, nonce FROM personal_data WHERE ref = %s",
                               (key,)).fetchone()
        if row is None:
            return Revealed(None, "unknown")
        sealed, nonce = row[0], row[1]
        if sealed is None:
            return Revealed(None, "purged")
        try:
            return Revealed(self.aead.decrypt(bytes(nonce), bytes(sealed), key.bytes).decode())
        except InvalidTag:
            # Loud, once per read: the configured LIFTRESCUE_PII_KEY is not the one that wrote.
            log.error("personal_data_unreadable", ref=ref,
                      hint="LIFTRESCUE_PII_KEY differs from the key that encrypted this row")
            return Revealed(None, "unreadable")

    def key_fits(self) -> bool:
        """Does the key open the newest stored value? False is logged as an error at start, so a
        wrong LIFTRESCUE_PII_KEY is found before an operator needs a number (nothing stored: True)."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT ref FROM personal_data WHERE purged_at IS NULL "
                               "ORDER BY created_at DESC LIMIT 1").fetchone()
        return row is None or self.reveal(str(row[0])).problem != "unreadable"

    def purge(self, older_than: timedelta) -> int:
        """Crypto-shred ticket values (callers, responders) stored longer ago than `older_than`;
        how many were purged. Registry contacts (`registry_*`) are kept: a station's worker on
        duty must stay reachable however long ago they were registered."""
        with self.pool.connection() as conn:
            cur = conn.execute(
                "UPDATE personal_data SET ciphertext = NULL, nonce = NULL, purged_at = now() "
                "WHERE purged_at IS NULL AND created_at < now() - %s "
                "AND kind NOT LIKE 'registry\\_%%'", (older_than,))
            return cur.rowcount
