#!/usr/bin/env bash
# frames-bench.sh - WADO-RS frame throughput and latency of our archive beside nginx (the same tiles as static files)
# and Orthanc (orthanc + orthanc-dicomweb, the same DICOM), in one run.
#
# 1. installs missing Debian packages (wrk, nginx, orthanc, orthanc-dicomweb, libvips-tools, curl, python3);
# 2. makes a synthetic SIZE x SIZE pyramidal JPEG TIFF with vips (256-px tiles, Q=85; 45000 -> 30,976 frames at
#    level 0) and converts it with dicom-converter/bin/wsi2dicom (both kept in WORK for the next run);
# 3. starts our archive (launcher, fresh ARCHIVE_DATA_DIR under WORK, port offset 5000 -> HTTP 13080, PostgreSQL
#    30432) and STOWs every instance of the pyramid;
# 4. extracts the level-0 frames to files (ExtractFrames.java: the bytes a frame request returns) and serves them with
#    nginx on 127.0.0.1:18081;
# 5. starts Orthanc with the DICOMweb plugin on 127.0.0.1:18042 (storage in WORK/orthanc, DICOM server off) and stores
#    the same instances into it (REST POST /instances);
# 6. draws N_URLS random level-0 frame numbers (the same for every server) and runs wrk (a Lua script picking URLs
#    at random from the list) for DURATION at each of CONNS connections against nginx, ours and Orthanc in turn,
#    Accept: multipart/related; type="application/octet-stream"; transfer-syntax=* for the DICOMweb servers;
#    then ours on a small instance (the pyramid level with 4 frames) at SMALL_CONNS;
# 7. measures series metadata of the whole pyramid (curl time_total, median of METADATA_RUNS) for ours and Orthanc;
# 8. prints the table and writes it to RESULTS (default dicomweb/bench/results.md); stops everything it started.
#
# Environment: SIZE (45000), WORK (/tmp/frames-bench), DURATION (15s), CONNS ("1 8 64"), SMALL_CONNS ("1 8 64"),
# N_URLS (2000), METADATA_RUNS (20), ORTHANC_METADATA_RUNS (5), ORTHANC_CONNS (= CONNS), ORTHANC_THREADS (2: its HTTP threads), ORTHANC_MEM_MB (6144: its address space), EAR (the built EAR; e.g. an older build for a before/after), LABEL (shown in
# the results), RESULTS, SKIP_ORTHANC=1, SKIP_NGINX=1, ARCHIVE_JAVA_OPTS (passed on to the archive, e.g. for JFR).
# Loopback only. The machine's other load shows in the numbers: compare within one run (ratios).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
size="${SIZE:-45000}"
work="${WORK:-/tmp/frames-bench}"
duration="${DURATION:-15s}"
conns="${CONNS:-1 8 64}"
small_conns="${SMALL_CONNS:-1 8 64}"
n_urls="${N_URLS:-2000}"
orthanc_threads="${ORTHANC_THREADS:-2}"
orthanc_conns="${ORTHANC_CONNS:-$conns}"
orthanc_metadata_runs="${ORTHANC_METADATA_RUNS:-5}"
ORTHANC_MEM_MB="${ORTHANC_MEM_MB:-6144}"
metadata_runs="${METADATA_RUNS:-20}"
results="${RESULTS:-$here/results.md}"
label="${LABEL:-$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)}"
ear="${EAR:-$root/archive-ear/ear/target/wsi-archive.ear}"
wildfly_home="$root/archive-ear/server/target/wildfly-39.0.1.Final"
launcher_jar="$root/archive-ear/launcher/target/archive-launcher-runnable.jar"
ours_port=13080; db_port=30432; nginx_port=18081; orthanc_port=18042; orthanc_dicom_port=14242
accept='multipart/related; type="application/octet-stream"; transfer-syntax=*'

if [[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
log() { echo "frames-bench: $*" >&2; }
die() { log "$*"; exit 1; }

# --- packages ------------------------------------------------------------------------------------------------------
missing=()
for p in wrk nginx orthanc orthanc-dicomweb libvips-tools curl python3; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  sudo_cmd=(); [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >&2
fi
dicomweb_plugin=$(ls /usr/share/orthanc/plugins/libOrthancDicomWeb.so 2>/dev/null || true)
[[ -n "$dicomweb_plugin" ]] || die "libOrthancDicomWeb.so not found (orthanc-dicomweb)"
[[ -f "$ear" && -f "$launcher_jar" && -d "$wildfly_home" ]] || die "build first: (cd $root && mvn -B -o -q install -DskipTests)"

# --- everything started is stopped on exit ---------------------------------------------------------------------------
mkdir -p "$work"
run_dir="$work/run-$$"
mkdir -p "$run_dir"
pids=()
nginx_started=""
cleanup() {
  set +e
  if [[ -n "$nginx_started" ]]; then nginx -p "$run_dir/nginx" -c "$run_dir/nginx/nginx.conf" -e "$run_dir/nginx/error.log" -s quit 2>/dev/null; fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null && for _ in $(seq 1 60); do kill -0 "${pids[i]}" 2>/dev/null || break; sleep 1; done
  done
  [[ -n "${KEEP_RUN:-}" ]] || rm -rf "$run_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- slide ----------------------------------------------------------------------------------------------------------
input="$work/slide-$size.tif"
if [[ ! -f "$input" ]]; then
  log "generating ${size}x${size} pyramidal JPEG TIFF with vips"
  g="$work/gen"; rm -rf "$g"; mkdir -p "$g"
  vips gaussnoise "$g/n.v" 512 512 --sigma 14 --mean 170
  vips bandjoin "$g/n.v $g/n.v $g/n.v" "$g/rgb.v"
  vips cast "$g/rgb.v" "$g/rgbu.v" uchar
  rep=$(( (size + 511) / 512 ))
  vips replicate "$g/rgbu.v" "$g/big.v" "$rep" "$rep"
  vips crop "$g/big.v" "$g/crop.v" 0 0 "$size" "$size"
  vips tiffsave "$g/crop.v" "$input.part" --tile --tile-width 256 --tile-height 256 --pyramid --compression jpeg --Q 85
  mv "$input.part" "$input"; rm -rf "$g"
fi
dcm="$work/dcm-$size"
if [[ ! -f "$dcm/level-0.dcm" ]]; then
  log "converting with wsi2dicom"
  rm -rf "$dcm"
  "$root/dicom-converter/bin/wsi2dicom" "$input" "$dcm" >&2
fi
tiles="$work/tiles-$size"
if [[ ! -f "$tiles/.done" ]]; then
  log "extracting level-0 frames for nginx"
  rm -rf "$tiles"
  "$java_bin" "$here/ExtractFrames.java" "$dcm/level-0.dcm" "$tiles" > "$work/tiles-$size.count"
  touch "$tiles/.done"
fi
frames=$(cat "$work/tiles-$size.count")
small_file=$(for f in "$dcm"/level-*.dcm; do echo "$f"; done | sort -V | tail -2 | head -1) # level with 4 frames
log "level 0: $frames frames; small instance: $(basename "$small_file")"

# --- our archive ------------------------------------------------------------------------------------------------------
ss -ltn | grep -qE ":($ours_port|$db_port|$nginx_port|$orthanc_port)\b" && die "a port of the benchmark is in use"
log "starting our archive ($(basename "$ear"), label $label)"
ARCHIVE_DATA_DIR="$run_dir/archive-data" ARCHIVE_PORT_OFFSET=5000 ARCHIVE_DB_PORT=$db_port \
  ARCHIVE_JAVA_OPTS="${ARCHIVE_JAVA_OPTS:-}" \
  "$java_bin" -jar "$launcher_jar" --wildfly-home "$wildfly_home" --ear "$ear" > "$run_dir/archive.log" 2>&1 &
pids+=($!)
ours="http://127.0.0.1:$ours_port/dicom-web"
for i in $(seq 1 300); do
  curl -sf -o /dev/null "$ours/studies" && break
  kill -0 "${pids[0]}" 2>/dev/null || { tail -30 "$run_dir/archive.log" >&2; die "archive did not start"; }
  sleep 1
done
curl -sf -o /dev/null "$ours/studies" || die "archive not ready after 300 s"

stow() { # file: one STOW-RS request, the multipart body streamed from a temporary file
  local body="$run_dir/stow.body"
  { printf -- '--BENCHBOUNDARY\r\nContent-Type: application/dicom\r\n\r\n'; cat "$1"; printf -- '\r\n--BENCHBOUNDARY--\r\n'; } > "$body"
  curl -sf -o /dev/null -H 'Expect:' -X POST -T "$body" \
    -H 'Content-Type: multipart/related; type="application/dicom"; boundary=BENCHBOUNDARY' "$ours/studies" \
    || die "STOW of $1 failed"
  rm -f "$body"
}
t0=$(date +%s.%N)
for f in "$dcm"/level-*.dcm; do stow "$f"; done
log "STOW of the pyramid to ours: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"

# study/series/instance UIDs from our QIDO: level 0 is the instance with the most frames, the small one has 4
qido=$(curl -sf -H 'Accept: application/dicom+json' "$ours/instances?includefield=00280008&includefield=0020000D&includefield=0020000E")
read -r study series sop0 sop_small < <(python3 -c '
import json, sys
items = json.loads(sys.argv[1])
def v(i, t): return i[t]["Value"][0]
rows = sorted(((int(v(i, "00280008")), v(i, "0020000D"), v(i, "0020000E"), v(i, "00080018")) for i in items))
big = rows[-1]; small = [r for r in rows if r[0] == 4] or [rows[0]]
print(big[1], big[2], big[3], small[0][3])' "$qido")
[[ -n "${sop_small:-}" ]] || die "could not find the stored instances by QIDO"
inst_path="studies/$study/series/$series/instances/$sop0"
small_path="studies/$study/series/$series/instances/$sop_small"

# --- URL lists --------------------------------------------------------------------------------------------------------
python3 - "$frames" "$n_urls" "$run_dir/frames.txt" <<'EOF'
import random, sys
n, k, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(145)
open(out, "w").write("".join(f"{rnd.randint(1, n)}\n" for _ in range(k)))
EOF
sed "s|^|/frames/|" "$run_dir/frames.txt" > "$run_dir/urls-nginx.txt"
sed "s|^|/dicom-web/$inst_path/frames/|" "$run_dir/frames.txt" > "$run_dir/urls-dicomweb.txt"
for k in 1 2 3 4; do echo "/dicom-web/$small_path/frames/$k"; done > "$run_dir/urls-small.txt"
cat > "$run_dir/urls.lua" <<'EOF'
-- picks a URL at random from the file named by URLS_FILE, for every request
local urls = {}
function init(args)
  for line in io.lines(os.getenv("URLS_FILE")) do urls[#urls + 1] = line end
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000) + #tostring({}))
end
function request()
  return wrk.format(nil, urls[math.random(#urls)])
end
EOF

# --- nginx ------------------------------------------------------------------------------------------------------------
if [[ -z "${SKIP_NGINX:-}" ]]; then
  mkdir -p "$run_dir/nginx"
  cat > "$run_dir/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $run_dir/nginx/nginx.pid;
error_log $run_dir/nginx/error.log warn;
user root;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on; tcp_nopush on; tcp_nodelay on;
  keepalive_requests 10000000; keepalive_timeout 60s;
  open_file_cache max=40000 inactive=60s;
  client_body_temp_path $run_dir/nginx/tmp; proxy_temp_path $run_dir/nginx/tmp; fastcgi_temp_path $run_dir/nginx/tmp;
  uwsgi_temp_path $run_dir/nginx/tmp; scgi_temp_path $run_dir/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    location /frames/ { alias $tiles/; default_type image/jpeg; }
  }
}
EOF
  [[ $(id -u) -eq 0 ]] || sed -i '/^user root;/d' "$run_dir/nginx/nginx.conf"
  mkdir -p "$run_dir/nginx/tmp"
  nginx -p "$run_dir/nginx" -c "$run_dir/nginx/nginx.conf" -e "$run_dir/nginx/error.log"
  nginx_started=1
  sleep 0.5
  f1=$(head -1 "$run_dir/frames.txt")
  curl -sf "http://127.0.0.1:$nginx_port/frames/$f1" | cmp -s - "$tiles/$f1" || die "nginx does not serve the tiles"
fi

# --- Orthanc ----------------------------------------------------------------------------------------------------------
if [[ -z "${SKIP_ORTHANC:-}" ]]; then
  odir="$work/orthanc-$size"; mkdir -p "$odir"
  cat > "$run_dir/orthanc.json" <<EOF
{
  "Name": "frames-bench",
  "StorageDirectory": "$odir/storage",
  "IndexDirectory": "$odir/index",
  "HttpPort": $orthanc_port,
  "DicomPort": $orthanc_dicom_port,
  "DicomServerEnabled": false,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "HttpCompressionEnabled": false,
  "StorageCompression": false,
  "KeepAlive": true,
  "TcpNoDelay": true,
  "HttpThreadsCount": $orthanc_threads,
  "Plugins": ["$dicomweb_plugin"],
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/", "EnableWado": false }
}
EOF
  # Orthanc 1.10 reads and parses the whole instance file for every frame request (720 MB for level 0): its
  # memory grows by about twice the file size per concurrent request, so its HTTP threads are few and its
  # address space is capped (a refused allocation fails a request instead of exhausting a shared machine)
  (ulimit -v $(( ORTHANC_MEM_MB * 1024 )); exec Orthanc "$run_dir/orthanc.json") > "$run_dir/orthanc.log" 2>&1 &
  pids+=($!)
  orthanc="http://127.0.0.1:$orthanc_port"
  for i in $(seq 1 60); do curl -sf -o /dev/null "$orthanc/system" && break; sleep 1; done
  curl -sf -o /dev/null "$orthanc/system" || { tail -20 "$run_dir/orthanc.log" >&2; die "Orthanc did not start"; }
  if [[ "$(curl -sf "$orthanc/dicom-web/$inst_path/metadata" -o /dev/null -w '%{http_code}' || true)" != 200 ]]; then
    t0=$(date +%s.%N)
    for f in "$dcm"/level-*.dcm; do
      curl -sf -o /dev/null -H 'Expect:' -X POST -T "$f" "$orthanc/instances" || die "Orthanc refused $f"
    done
    log "store of the pyramid to Orthanc: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
  fi
fi

# --- correctness of one frame everywhere --------------------------------------------------------------------------
f1=$(head -1 "$run_dir/frames.txt")
check_multipart() { # url name
  local out="$run_dir/check.bin" ct
  ct=$(curl -sf -H "Accept: $accept" -o "$out" -w '%{content_type}' "$1") || die "$2: frame request failed"
  python3 - "$out" "$tiles/$f1" "$ct" "$2" <<'EOF' || die "$2: frame $f1 differs from the tile"
import sys, re
body, tile, ct, name = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read(), sys.argv[3], sys.argv[4]
m = re.search(r'boundary="?([^";]+)"?', ct)
assert m, f"{name}: not multipart: {ct}"
parts = [p for p in body.split(b"--" + m.group(1).encode()) if b"\r\n\r\n" in p]
data = parts[0].split(b"\r\n\r\n", 1)[1]
data = data[:-2] if data.endswith(b"\r\n") else data
assert data == tile, f"{name}: {len(data)} bytes, tile has {len(tile)}"
EOF
}
check_multipart "$ours/$inst_path/frames/$f1" ours
[[ -n "${SKIP_ORTHANC:-}" ]] || check_multipart "$orthanc/dicom-web/$inst_path/frames/$f1" Orthanc
log "frame $f1 identical from every server"

# --- load -------------------------------------------------------------------------------------------------------------
table="$run_dir/table.tsv"; : > "$table"
run_wrk() { # name instance-label urls-file base-url conns [accept]
  local name="$1" what="$2" urls="$3" base="$4" c="$5" hdr="${6:-}" t out
  t=$(( c < 2 ? 1 : 2 ))
  out="$run_dir/wrk-$name-$what-$c.txt"
  log "wrk $name $what, $c connections, $duration"
  if [[ -n "$hdr" ]]; then
    URLS_FILE="$urls" wrk -t"$t" -c"$c" -d"$duration" --timeout 30s --latency -s "$run_dir/urls.lua" -H "Accept: $hdr" "$base" > "$out" 2>&1 || true
  else
    URLS_FILE="$urls" wrk -t"$t" -c"$c" -d"$duration" --timeout 30s --latency -s "$run_dir/urls.lua" "$base" > "$out" 2>&1 || true
  fi
  awk -v name="$name" -v what="$what" -v c="$c" '
    function ms(s,   v) { v = s + 0; if (s ~ /us$/) return v / 1000; if (s ~ /ms$/) return v; if (s ~ /m$/) return v * 60000; if (s ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /Requests\/sec:/ { rps = $2 } /Non-2xx/ { err += $NF }
    /Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
    END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", name, what, c, (rps < 10 ? sprintf("%.2f", rps) : sprintf("%.0f", rps)),
          (p50 > 0 ? sprintf("%.2f", p50) : "-"), (p99 > 0 ? sprintf("%.2f", p99) : "-"), err }' "$out" >> "$table"
  tail -1 "$table" >&2
}
# nginx and ours first, Orthanc last: Orthanc keeps working on requests wrk gave up on (each one parses the whole
# instance file), which would take the CPU from the servers measured after it
for c in $conns; do
  [[ -n "${SKIP_NGINX:-}" ]] || run_wrk nginx "level 0 ($frames frames)" "$run_dir/urls-nginx.txt" "http://127.0.0.1:$nginx_port" "$c"
  run_wrk ours "level 0 ($frames frames)" "$run_dir/urls-dicomweb.txt" "http://127.0.0.1:$ours_port" "$c" "$accept"
done
for c in $small_conns; do
  run_wrk ours "small (4 frames)" "$run_dir/urls-small.txt" "http://127.0.0.1:$ours_port" "$c" "$accept"
done

# --- series metadata ----------------------------------------------------------------------------------------------------
median_time() { # url runs
  local i
  for i in $(seq 1 "$2"); do
    curl -s -o /dev/null --max-time 120 -H 'Accept: application/dicom+json' -w '%{time_total}\n' "$1" || true
  done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) * 1000 }'
}
meta_ours=$(median_time "$ours/studies/$study/series/$series/metadata" "$metadata_runs")
meta_bytes=$(curl -s -H 'Accept: application/dicom+json' "$ours/studies/$study/series/$series/metadata" | wc -c)
meta_orthanc=""
[[ -n "${SKIP_ORTHANC:-}" ]] || meta_orthanc=$(median_time "$orthanc/dicom-web/studies/$study/series/$series/metadata" "$orthanc_metadata_runs")
log "series metadata: ours ${meta_ours} ms, Orthanc ${meta_orthanc:-n/a} ms"

if [[ -z "${SKIP_ORTHANC:-}" ]]; then
  for c in $small_conns; do
    run_wrk orthanc "small (4 frames)" "$run_dir/urls-small.txt" "http://127.0.0.1:$orthanc_port" "$c" "$accept"
  done
  for c in $orthanc_conns; do
    run_wrk orthanc "level 0 ($frames frames)" "$run_dir/urls-dicomweb.txt" "http://127.0.0.1:$orthanc_port" "$c" "$accept"
  done
fi

# --- results ------------------------------------------------------------------------------------------------------------
{
  echo "## Frames benchmark, $label, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GB RAM;"
  echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: compare within a run)."
  echo "Slide: synthetic ${size}x${size}, 256-px JPEG tiles (Q=85), converted by wsi2dicom; level 0 has $frames frames"
  echo "(mean $(( $(du -sb "$tiles" | cut -f1) / frames )) B). $n_urls random level-0 frame URLs, wrk $duration per run with"
  echo "--latency, 1 thread for 1 connection else 2, same URL list for all servers; DICOMweb servers asked with"
  echo "\`Accept: $accept\` (multipart, one part); nginx serves the same frames as static files."
  echo "Versions: $(nginx -v 2>&1 | cut -d' ' -f3), Orthanc $(Orthanc --version 2>&1 | head -1 | awk '{print $2}') + orthanc-dicomweb $(dpkg-query -W -f='${Version}' orthanc-dicomweb 2>/dev/null), wrk $(dpkg-query -W -f='${Version}' wrk), our EAR $(basename "$ear")."
  echo
  echo "| server | instance | connections | frames/s | p50 ms | p99 ms | errors | ours/nginx | ours/Orthanc |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '
    { rps[$1 "|" $2 "|" $3] = $4; rows[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) {
        split(rows[i], f, "\t"); r1 = r2 = ""
        if (f[1] == "ours") {
          n = ""; o = ""
          for (x in rps) { split(x, y, "|"); if (y[3] == f[3] && y[1] == "nginx") n = rps[x]; if (y[3] == f[3] && y[2] == f[2] && y[1] == "orthanc") o = rps[x] }
          if (n > 0) r1 = sprintf("%.1f %%", 100 * f[4] / n)
          if (o > 0) r2 = sprintf(f[4] / o < 10 ? "%.2fx" : "%.0fx", f[4] / o)
        }
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", f[1], f[2], f[3], f[4], f[5], f[6], f[7], r1, r2
      }
    }' "$table"
  echo
  echo "Series metadata of the pyramid ($(ls "$dcm"/level-*.dcm | wc -l) instances, $meta_bytes bytes of JSON), median of $metadata_runs (Orthanc: of $orthanc_metadata_runs):"
  echo "ours **${meta_ours} ms**${meta_orthanc:+, Orthanc **${meta_orthanc} ms** (ratio Orthanc/ours $(awk -v a="$meta_orthanc" -v b="$meta_ours" 'BEGIN{printf "%.1f", a/b}')x)}."
  echo
} > "$run_dir/results.md"
cat "$run_dir/results.md"
if [[ "$results" != "-" ]]; then
  [[ -f "$results" ]] || printf '# DICOMweb frames benchmark (dicomweb/bench/frames-bench.sh)\n\n' > "$results"
  cat "$run_dir/results.md" >> "$results"
  log "appended to $results"
fi
