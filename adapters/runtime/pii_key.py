"""The personal-data key (AES-256-GCM): never stored in the database."""

import base64
import binascii
import os
import secrets
from pathlib import Path

import structlog

from adapters.runtime.settings import Settings

log = structlog.get_logger(__name__)
KEY_BYTES = 32
# Public on purpose: only for environment=test, where the numbers are made up.
TEST_KEY = bytes(range(KEY_BYTES))


def decode_key(text: str) -> bytes:
    """32 bytes written as 64 hex digits or base64; anything else is refused loudly."""
    text = text.strip()
    try:
        key = bytes.fromhex(text) if len(text) == 2 * KEY_BYTES else base64.b64decode(
            text, validate=True)
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != KEY_BYTES:
        raise SystemExit(f"LIFTRESCUE_PII_KEY must be {KEY_BYTES} bytes as 64 hex digits or "
                         "base64 (e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)")
    return key


def pii_key(settings: Settings) -> bytes:
    """The configured key; production refuses to start without one."""
    text = settings.pii_key.get_secret_value() if settings.pii_key else ""
    if text:  # an empty variable (compose `${VAR:-}`) is no key
        return decode_key(text)
    if settings.environment == "production":
        raise SystemExit("LIFTRESCUE_PII_KEY is required in production: it encrypts the phone "
                         "numbers in the personal-data table (README, 'Personal data')")
    if settings.environment == "test":
        return TEST_KEY
    return _dev_key(settings.state_dir / "pii-key")


def _dev_key(path: Path) -> bytes:
    """The development key in the state folder (0600), made once by whoever comes first."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            fd = None
        if fd is not None:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(KEY_BYTES))
            log.info("pii_key_generated", path=str(path))
    return decode_key(path.read_text())
