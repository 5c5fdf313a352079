"""How an arrival on site was established (issue 17): scanned, positioned, or only reported."""

import math
from enum import StrEnum
from typing import Any

from domain.errors import InvalidValue

EARTH_RADIUS_M = 6_371_000.0


class Proof(StrEnum):
    """`qr_scan` and `gps` prove presence at the lift; `reported` is someone's word."""

    QR_SCAN = "qr_scan"
    GPS = "gps"
    REPORTED = "reported"


PROVEN = frozenset({Proof.QR_SCAN, Proof.GPS})
PROOF_ZH = {Proof.QR_SCAN: "扫码到场", Proof.GPS: "定位到场", Proof.REPORTED: "报告到场"}


def distance_m(a: dict[str, float], b: dict[str, float]) -> float:
    """Great-circle distance in metres between two {lat, lng} points (haversine)."""
    lat1, lat2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlng = lat2 - lat1, math.radians(b["lng"] - a["lng"])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def gps_arrival(position: dict[str, float], lift_location: dict[str, float] | None,
                within_m: float) -> tuple[str, dict[str, Any]]:
    """(proof, detail) for a phone position: `gps` only near the lift, with an accuracy no worse
    than the distance allowed; otherwise `reported` keeping the distance (never proof)."""
    accuracy = position.get("accuracy")
    detail: dict[str, Any] = {"source": "gps", "accuracy_m": accuracy}
    if not lift_location:
        return Proof.REPORTED.value, {**detail, "why": "lift has no location"}
    distance = round(distance_m(position, lift_location), 1)
    detail["distance_m"] = distance
    near = distance <= within_m and accuracy is not None and accuracy <= within_m
    return (Proof.GPS.value if near else Proof.REPORTED.value), detail


def check_proof(proof: str, detail: dict[str, Any] | None) -> str:
    """The proof's code, or InvalidValue naming the field."""
    try:
        code = Proof(proof)
    except ValueError:
        raise InvalidValue(f"proof must be one of {[p.value for p in Proof]}", field="proof",
                           zh="到场证明须为 qr_scan、gps 或 reported") from None
    if detail is not None and not isinstance(detail, dict):
        raise InvalidValue("proof_detail must be an object", field="proof_detail",
                           zh="到场证明详情须为对象")
    return code.value


def proof_label(code: str | None) -> str:
    """`扫码到场 (qr_scan)`; an arrival without a recorded proof reads as reported."""
    if not code:
        return "—"
    proof = Proof(code)
    return f"{PROOF_ZH[proof]} ({proof.value})"
