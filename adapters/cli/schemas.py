"""`liftrescue schemas export`: the JSON Schema of every Kafka topic, generated into docs/schemas/.

Generated from the models the code sends and parses with, never written by hand; a test checks
the committed files equal a fresh generation and validates real messages against them.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from adapters.kafka.dead_letters import DeadLetterHeaders
from adapters.kafka.intake_messages import INTAKE_MESSAGE
from adapters.kafka.messages import EventHeaders
from adapters.runtime.settings import Settings
from projections import public_events, upstream_models

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_OUT = Path("docs/schemas")
HEX64 = r"^[0-9a-f]{64}$"


class AuditCheckpoint(BaseModel):
    """One signed chain head, as projections.audit_checkpoint.make() writes it (docs/AUDIT.md)."""

    model_config = ConfigDict(extra="forbid", title="lift.audit-checkpoints.v1 value")

    application: str = Field(description="the event store's application (tickets, registry)")
    position: int = Field(ge=1, description="the notification id the chain head is at")
    head_hash: str = Field(pattern=HEX64)
    time: str = Field(description="when the checkpoint was made (RFC 3339)")
    signature: str = Field(pattern=HEX64, description="HMAC-SHA256 with the audit key")


def _schema(name: str, description: str, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "$schema": DRAFT, "$id": f"urn:liftrescue:schema:{name}",
            "description": description}


def generate() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema, for every topic under its default name."""
    topics = Settings.model_fields
    events = topics["kafka_events_topic"].default
    alarms = topics["kafka_alarms_topic"].default
    dlq = topics["kafka_dlq_topic"].default
    audit = topics["kafka_audit_topic"].default
    upstream = topics["kafka_upstream_topic"].default
    return {
        f"{events}.json": public_events.json_schema(),
        f"{events}.headers.json": _schema(
            f"{events}.headers", "Record headers (name → UTF-8 value); key = ticket id.",
            EventHeaders.model_json_schema(mode="serialization")),
        f"{alarms}.json": _schema(
            alarms, "Alarms and node updates in (the HTTP bodies plus kind, source, source_ref).",
            INTAKE_MESSAGE.json_schema()),
        f"{dlq}.headers.json": _schema(
            f"{dlq}.headers", f"Dead letters keep the {alarms} record's key, value and headers "
            "unchanged (the value may not even be JSON) and add these headers.",
            DeadLetterHeaders.model_json_schema()),
        f"{audit}.json": _schema(
            audit, "Signed audit checkpoints; key = application.",
            AuditCheckpoint.model_json_schema()),
        f"{upstream}.json": upstream_models.value_schema(),
        f"{upstream}.headers.json": upstream_models.header_schema(),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def stale(out: Path) -> list[str]:
    """The files under `out` that differ from a fresh generation (or are missing)."""
    return [name for name, schema in generate().items()
            if not (out / name).exists() or (out / name).read_text("utf-8") != render(schema)]


def cmd_export(args: argparse.Namespace, _settings: Settings) -> None:
    """Write every schema (or, with --check, exit 1 naming the files that are out of date)."""
    out = Path(args.out)
    if args.check:
        if changed := stale(out):
            sys.exit(f"out of date in {out}: {', '.join(changed)} (run liftrescue schemas export)")
        print(f"{out}: up to date")
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in generate().items():
        (out / name).write_text(render(schema), "utf-8")
        print(out / name)


def register(subparsers: argparse._SubParsersAction) -> None:
    schemas = subparsers.add_parser("schemas", help="JSON Schemas of the Kafka topics")
    sub = schemas.add_subparsers(dest="schemas_command", required=True)
    export = sub.add_parser("export", help="generate docs/schemas/*.json from the code")
    export.add_argument("--out", default=str(DEFAULT_OUT))
    export.add_argument("--check", action="store_true",
                        help="write nothing; fail if the files differ from a fresh generation")
    export.set_defaults(run=cmd_export)
