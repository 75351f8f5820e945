#!/usr/bin/env bash
# audit-check.sh - checks that coalesced retrieve audit events survive a shutdown: starts the archive (port offset
# 5000, PostgreSQL 30432, fresh data dir under WORK), stores one small instance, asks for N frames, stops the archive
# (SIGTERM, as Ctrl-C), starts it again and counts the retrieve requests recorded in audit_event. Needs psql.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${WORK:-/tmp/frames-bench}/audit-check-$$"
n="${N:-100}"
file="${1:-$root/../shared/testdata/dicom-wsi/gcp-wsi2dcm_cmu-1-small-region/level-0-frames-0-30.dcm}"
[[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]] && export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
ours="http://127.0.0.1:13080/dicom-web"
mkdir -p "$work"
pid=""
start() {
  ARCHIVE_DATA_DIR="$work/data" ARCHIVE_PORT_OFFSET=5000 ARCHIVE_DB_PORT=30432 "$java_bin" -jar \
    "$root/archive-ear/launcher/target/archive-launcher-runnable.jar" \
    --wildfly-home "$root/archive-ear/server/target/wildfly-39.0.1.Final" --ear "$root/archive-ear/ear/target/wsi-archive.ear" \
    >> "$work/archive.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$ours/studies" && return 0; sleep 1; done
  echo "archive did not start" >&2; return 1
}
stop() { kill "$pid"; for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done; }
trap '[[ -n "$pid" ]] && stop; rm -rf "$work"' EXIT
sql() { PGPASSWORD=archive psql -h 127.0.0.1 -p 30432 -U archive -d archive -tAc "$1"; }

start
{ printf -- '--XX\r\nContent-Type: application/dicom\r\n\r\n'; cat "$file"; printf -- '\r\n--XX--\r\n'; } > "$work/body"
curl -sf -o /dev/null -X POST -H 'Content-Type: multipart/related; type="application/dicom"; boundary=XX' \
  --data-binary @"$work/body" "$ours/studies"
path=$(curl -sf -H 'Accept: application/dicom+json' "$ours/instances?includefield=0020000D&includefield=0020000E" | python3 -c '
import json, sys
i = json.load(sys.stdin)[0]
v = lambda t: i[t]["Value"][0]
print("studies/%s/series/%s/instances/%s" % (v("0020000D"), v("0020000E"), v("00080018")))')
ok=0
for i in $(seq 1 "$n"); do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: multipart/related; type="application/octet-stream"; transfer-syntax=*' \
    "$ours/$path/frames/$(( (i % 4) + 1 ))")
  [[ "$code" == 200 ]] && ok=$((ok + 1))
done
echo "frame requests answered 200: $ok of $n"
echo "retrieve rows before shutdown: $(sql "select count(*) from audit_event where action = 'RETRIEVE'")"
stop
start
echo "retrieve rows after restart:"
sql "select event_time, outcome, protocol, user_id, remote_host, study_iuid, object_uids, left(detail, 160) from audit_event where action = 'RETRIEVE' order by pk"
total=$(sql "select coalesce(sum(split_part(split_part(detail, ': ', 2), ' ', 1)::int), 0) from audit_event where action = 'RETRIEVE' and detail like 'frames: %'")
echo "frame requests recorded: $total of $ok"
stop
pid=""
[[ "$total" -eq "$ok" ]]
