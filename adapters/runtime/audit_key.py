"""The audit key (HMAC for the audit chain and its checkpoints): never stored in the database."""

import os
import secrets
from pathlib import Path

import structlog

from adapters.runtime.settings import Settings

log = structlog.get_logger(__name__)
MIN_LENGTH = 32
# Public on purpose: only for environment=test, where chains prove nothing to anyone.
TEST_KEY = b"liftrescue-test-audit-key-not-secret"


def audit_key(settings: Settings) -> bytes:
    """The configured key; production refuses to start without one."""
    key = settings.audit_key.get_secret_value() if settings.audit_key else ""
    if key:  # an empty variable (compose `${VAR:-}`) is no key
        if settings.environment == "production" and len(key) < MIN_LENGTH:
            raise SystemExit(f"LIFTRESCUE_AUDIT_KEY must be at least {MIN_LENGTH} characters")
        return key.encode()
    if settings.environment == "production":
        raise SystemExit("LIFTRESCUE_AUDIT_KEY is required in production: it keys the audit "
                         "chain so a database edit cannot be hidden (see docs/AUDIT.md)")
    if settings.environment == "test":
        return TEST_KEY
    return dev_key(settings.state_dir)


def dev_key(state_dir: Path) -> bytes:
    """The development key kept in the state folder (0600), made on first use."""
    path = state_dir / "audit-key"
    if not path.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        draft = state_dir / f".audit-key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # never replaces a key another process made first
            log.info("audit_key_generated", path=str(path))
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()
