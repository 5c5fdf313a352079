#!/usr/bin/env bash
# Drive one entrapment ticket from alarm to close with curl (the README's walk-through).
# Usage: scripts/walkthrough.sh [BASE_URL]   (default http://127.0.0.1:8000)
set -euo pipefail
BASE=${1:-http://127.0.0.1:8000}
AUTH=()
[ -n "${LIFTRESCUE_TOKEN:-}" ] && AUTH=(-H "Authorization: Bearer $LIFTRESCUE_TOKEN")
REF="walk-$(date +%s%N)"
post() { curl -sf "${AUTH[@]}" -H 'content-type: application/json' -X POST "$BASE$1" -d "$2"; echo; }
when() { date -u -d "-$1 minutes" +%Y-%m-%dT%H:%M:%SZ; }

TICKET=$(post /v1/alarms "{\"lift\":\"44030000000000012345\",\"source\":\"96333\",\"source_ref\":\"$REF\",\"received_at\":\"$(when 40)\",\"trapped_count\":2,\"dispatch\":\"external\"}")
echo "alarm    → $TICKET"
ID=$(echo "$TICKET" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ticket_id"])')
echo "notify   → $(post /v1/tickets/$ID/notify "{\"at\":\"$(when 39)\"}")"
echo "assign   → $(post /v1/tickets/$ID/assign "{\"responder\":{\"name\":\"王师傅\",\"mobile\":\"13912345678\"},\"at\":\"$(when 37)\"}")"
echo "arrive   → $(post /v1/tickets/$ID/arrive "{\"at\":\"$(when 25)\"}")"
echo "release  → $(post /v1/tickets/$ID/release "{\"released_count\":2,\"released_by\":\"rescuer\",\"at\":\"$(when 15)\"}")"
echo "close    → $(post /v1/tickets/$ID/close "{\"at\":\"$(when 5)\"}")"
echo "events:"
curl -sf "${AUTH[@]}" "$BASE/v1/tickets/$ID/events" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    print("  v%(version)s %(type)-20s occurred %(occurred_at)s  recorded %(recorded_at)s" % e)'
