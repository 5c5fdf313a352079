#!/usr/bin/env bash
# Drive one entrapment ticket from alarm to close with curl (the README's walk-through).
# Usage: scripts/walkthrough.sh [BASE_URL]   (default http://127.0.0.1:8000)
# On a refusal it prints the HTTP status and the problem body (RFC 9457) and exits 1.
set -euo pipefail
BASE=${1:-http://127.0.0.1:8000}
AUTH=()
[ -n "${LIFTRESCUE_TOKEN:-}" ] && AUTH=(-H "Authorization: Bearer $LIFTRESCUE_TOKEN")
REF="walk-$(date +%s%N)"
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT

# call METHOD PATH [JSON]: the response body on 2xx; else the status and problem on stderr, exit 1.
call() {
  local status
  local args=(-s -o "$BODY" -w '%{http_code}' "${AUTH[@]}" -X "$1" "$BASE$2")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' -d "$3")
  if ! status=$(curl "${args[@]}"); then
    echo "walkthrough: $1 $2 failed: no answer from $BASE (is liftrescue dev running?)" >&2
    exit 1
  fi
  if [[ "$status" != 2* ]]; then
    echo "walkthrough: $1 $2 → HTTP $status" >&2
    cat "$BODY" >&2; echo >&2
    [ "$status" = 401 ] && echo "(set LIFTRESCUE_TOKEN, e.g. \$(cat .liftrescue/admin-token))" >&2
    exit 1
  fi
  cat "$BODY"
}
post() { call POST "$1" "$2"; echo; }
when() { date -u -d "-$1 minutes" +%Y-%m-%dT%H:%M:%SZ; }

TICKET=$(post /v1/alarms "{\"lift\":\"44030000000000012345\",\"source\":\"96333\",\"source_ref\":\"$REF\",\"received_at\":\"$(when 40)\",\"trapped_count\":2,\"dispatch\":\"external\"}")
echo "alarm    → $TICKET"
ID=$(echo "$TICKET" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket_id"])')
# step LABEL PATH JSON: assigned first, so a refusal stops the script (set -e) before echo.
step() { local out; out=$(post "$2" "$3"); echo "$1 → $out"; }
step "notify  " /v1/tickets/$ID/notify "{\"at\":\"$(when 39)\"}"
step "assign  " /v1/tickets/$ID/assign "{\"responder\":{\"name\":\"王师傅\",\"mobile\":\"13912345678\"},\"at\":\"$(when 37)\"}"
step "arrive  " /v1/tickets/$ID/arrive "{\"at\":\"$(when 25)\"}"
step "release " /v1/tickets/$ID/release "{\"released_count\":2,\"released_by\":\"rescuer\",\"rescue_method\":\"1\",\"at\":\"$(when 15)\"}"
step "callback" /v1/tickets/$ID/callback "{\"confirmed_by\":\"trapped_person\",\"at\":\"$(when 10)\"}"
step "close   " /v1/tickets/$ID/close "{\"at\":\"$(when 5)\"}"
echo "events:"
EVENTS=$(call GET "/v1/tickets/$ID/events")
# The API answers in UTC; people read the city's time (LIFTRESCUE_TIMEZONE, Asia/Shanghai).
echo "$EVENTS" | python3 -c '
import json, os, sys
from datetime import datetime
from zoneinfo import ZoneInfo
zone = ZoneInfo(os.environ.get("LIFTRESCUE_TIMEZONE") or "Asia/Shanghai")
def local(at):
    return datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(zone).isoformat(
        " ", "seconds")
for e in json.load(sys.stdin):
    print("  v%s %-20s occurred %s  recorded %s" % (
        e["version"], e["type"], local(e["occurred_at"]), local(e["recorded_at"])))'
