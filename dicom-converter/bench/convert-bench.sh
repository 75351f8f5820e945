#!/usr/bin/env bash
# convert-bench.sh [SIZE] [WORKDIR] - benchmark wsi2dicom against PixelMed TIFFToDicom and OrthancWSIDicomizer.
#
# Makes a synthetic pyramidal tiled JPEG TIFF with libvips (SIZE x SIZE pixels, default 40000; 256-px tiles, Q=85),
# converts it with the three tools in the same run, measures wall time and peak RSS with /usr/bin/time -v, checks
# that every frame of our level 0 is bit-identical to the source tiles, prints a table and writes it to
# bench/results.md. Missing Debian packages (libvips-tools, pixelmed-apps, orthanc-wsi, time) are installed with
# apt-get. The input is read once before the runs so that every tool starts from a warm page cache.
set -euo pipefail

size="${1:-40000}"
work="${2:-/tmp/wsi2dicom-bench}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(dirname "$here")"
results="${RESULTS:-$here/results.md}"   # RESULTS=FILE writes the table elsewhere

if [[ -d /usr/lib/jvm/temurin-25-jdk-amd64 ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; fi
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# --- packages -------------------------------------------------------------------------------------------------
missing=()
command -v vips >/dev/null || missing+=(libvips-tools)
command -v TIFFToDicom >/dev/null || missing+=(pixelmed-apps)
command -v OrthancWSIDicomizer >/dev/null || missing+=(orthanc-wsi)
[[ -x /usr/bin/time ]] || missing+=(time)
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  sudo_cmd=""; [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >&2
fi

# --- our converter --------------------------------------------------------------------------------------------
jar="$module/target/dicom-converter-0.1.0-SNAPSHOT.jar"
if [[ ! -f "$jar" || ! -d "$module/target/lib" || ! -f "$module/target/test-classes/org/wsiarchive/converter/BenchTileCheck.class" ]]; then
  echo "building dicom-converter" >&2
  (cd "$module" && mvn -q -B -o -DskipTests -f pom.xml install >&2) || (cd "$module" && mvn -q -B -DskipTests -f pom.xml install >&2)
fi

# --- input ----------------------------------------------------------------------------------------------------
mkdir -p "$work"
input="$work/synthetic-${size}.tif"
if [[ ! -f "$input" ]]; then
  echo "generating ${size}x${size} pyramidal JPEG TIFF with libvips" >&2
  tmpv="$work/gen"; mkdir -p "$tmpv"
  vips gaussnoise "$tmpv/n.v" 512 512 --sigma 14 --mean 170
  vips bandjoin "$tmpv/n.v $tmpv/n.v $tmpv/n.v" "$tmpv/rgb.v"
  vips cast "$tmpv/rgb.v" "$tmpv/rgbu.v" uchar
  rep=$(( (size + 511) / 512 ))
  vips replicate "$tmpv/rgbu.v" "$tmpv/big.v" "$rep" "$rep"
  vips crop "$tmpv/big.v" "$tmpv/crop.v" 0 0 "$size" "$size"
  vips tiffsave "$tmpv/crop.v" "$input.part" --tile --tile-width 256 --tile-height 256 --pyramid \
    --compression jpeg --Q 85
  mv "$input.part" "$input"
  rm -rf "$tmpv"
fi
in_bytes=$(stat -c %s "$input")
in_mb=$(awk -v b="$in_bytes" 'BEGIN{printf "%.1f", b/1048576}')
cat "$input" > /dev/null   # warm page cache for every tool alike

# --- runs -----------------------------------------------------------------------------------------------------
run() { # name outdir cmd...
  local name="$1" out="$2"; shift 2
  rm -rf "$out"; mkdir -p "$out"
  echo "running $name" >&2
  if ! /usr/bin/time -v -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1; then
    echo "$name FAILED, see $work/$name.log" >&2
    echo "FAILED" > "$work/$name.status"
  else
    echo "ok" > "$work/$name.status"
  fi
}
wall() { # seconds from "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.37"
  awk -F': ' '/Elapsed \(wall clock\)/{n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$1"
}
rss() { awk -F': ' '/Maximum resident set size/{printf "%.0f", $2/1024}' "$1"; }

echo '{}' > "$work/empty.json"
run ours "$work/out-ours" env WSI2DICOM_JAVA_OPTS="${WSI2DICOM_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}" \
  "$module/bin/wsi2dicom" "$input" "$work/out-ours/dcm"
run pixelmed "$work/out-pixelmed" TIFFToDicom "$work/empty.json" "$input" "$work/out-pixelmed/pm" SM \
  1.2.840.10008.5.1.4.1.1.77.1.6
run orthanc "$work/out-orthanc" OrthancWSIDicomizer --threads 1 --folder "$work/out-orthanc" "$input"

# --- checks ---------------------------------------------------------------------------------------------------
check="not run"
if [[ $(cat "$work/ours.status") == ok ]]; then
  M="$module/target"
  if check_out=$("$java_bin" -cp "$M/test-classes:$M/classes:$M/lib/*" org.wsiarchive.converter.BenchTileCheck \
      "$input" "$work/out-ours/dcm/level-0.dcm" 0); then
    check="$check_out"
  else
    check="FAILED: $check_out"
  fi
fi
dciodvfy_errors="dciodvfy not installed"
if command -v dciodvfy >/dev/null && [[ $(cat "$work/ours.status") == ok ]]; then
  n=0
  for f in "$work"/out-ours/dcm/*.dcm; do
    e=$(dciodvfy "$f" 2>&1 | grep -c '^Error' || true); n=$((n + e))
  done
  dciodvfy_errors="$n errors in $(ls "$work"/out-ours/dcm/*.dcm | wc -l) files"
fi

# --- table ----------------------------------------------------------------------------------------------------
declare -A W R S
for t in ours pixelmed orthanc; do
  W[$t]=$(wall "$work/$t.time"); R[$t]=$(rss "$work/$t.time"); S[$t]=$(cat "$work/$t.status")
done
mbs() { awk -v mb="$in_mb" -v s="$1" 'BEGIN{ if (s > 0) printf "%.1f", mb/s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a > 0) printf "%.2f", b/a; else print "n/a" }'; }
files() { find "$1" -name '*.dcm' | wc -l; }
outmb() { du -sm "$1" | cut -f1; }
{
  echo "# wsi2dicom conversion benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/{print $2}') GB RAM."
  echo "Input: synthetic ${size}x${size} pyramidal tiled JPEG TIFF (libvips tiffsave, 256-px tiles, Q=85),"
  echo "$in_mb MB, warm page cache. Tools run one after the other in the same run; /usr/bin/time -v."
  echo
  echo "| tool | command | status | wall s | input MB/s | peak RSS MB | output files | output MB |"
  echo "|---|---|---|---:|---:|---:|---:|---:|"
  echo "| ours (wsi2dicom) | bin/wsi2dicom IN OUT | ${S[ours]} | ${W[ours]} | $(mbs "${W[ours]}") | ${R[ours]} | $(files "$work/out-ours") | $(outmb "$work/out-ours") |"
  echo "| PixelMed TIFFToDicom (pixelmed-apps 20220618) | TIFFToDicom {} IN PREFIX SM 1.2.840.10008.5.1.4.1.1.77.1.6 | ${S[pixelmed]} | ${W[pixelmed]} | $(mbs "${W[pixelmed]}") | ${R[pixelmed]} | $(files "$work/out-pixelmed") | $(outmb "$work/out-pixelmed") |"
  echo "| OrthancWSIDicomizer (orthanc-wsi 1.1) | OrthancWSIDicomizer --threads 1 --folder OUT IN | ${S[orthanc]} | ${W[orthanc]} | $(mbs "${W[orthanc]}") | ${R[orthanc]} | $(files "$work/out-orthanc") | $(outmb "$work/out-orthanc") |"
  echo
  echo "- speed ratio ours/Orthanc: **$(ratio "${W[ours]}" "${W[orthanc]}")x**, ours/PixelMed: **$(ratio "${W[ours]}" "${W[pixelmed]}")x** (MB/s of input)"
  echo "- level-0 tile check: $check"
  echo "- dciodvfy on our output: $dciodvfy_errors"
} | tee "$results"
