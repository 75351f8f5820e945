#!/usr/bin/env bash
# WSI archive: build and run, or build and test.
#
#   ./archive.sh run  [launcher args...]   build (no tests) and start the archive (Ctrl-C stops it)
#   ./archive.sh test [maven args...]      build and run unit + integration tests (mvn verify); exits with Maven's code
#
# Installs missing Debian packages first (libpixelmed-java, libpixelmed-imageio-java, libcharls2 and maven; for test also dcmtk,
# dicom3tools, libvips-tools, chromium, nodejs, npm).
# Needs Java 25: /usr/lib/jvm/temurin-25-jdk-amd64 when present, else an existing JAVA_HOME of Java >= 25.
# The archive's own settings (data dir, database, ports) are environment variables: see ./archive.sh help.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
cd "$ROOT"

JAVA25=/usr/lib/jvm/temurin-25-jdk-amd64
WILDFLY_HOME="$ROOT/archive-ear/server/target/wildfly-39.0.1.Final"
EAR="$ROOT/archive-ear/ear/target/wsi-archive.ear"
LAUNCHER_JAR="$ROOT/archive-ear/launcher/target/archive-launcher-runnable.jar"

die() { echo "archive.sh: $*" >&2; exit 1; }

usage() {
  cat <<'USAGE'
Usage: ./archive.sh run  [launcher args...]   build (mvn -DskipTests install) and start the archive
       ./archive.sh test [maven args...]      build and test (mvn verify: surefire unit tests, failsafe integration tests)

Environment for run (see java -jar archive-ear/launcher/target/archive-launcher-runnable.jar --help):
  ARCHIVE_DATA_DIR, ARCHIVE_DB_URL, ARCHIVE_DB_USER, ARCHIVE_DB_PASSWORD, ARCHIVE_DB_PORT,
  ARCHIVE_PORT_OFFSET, ARCHIVE_ALLOW_OVERWRITE, ARCHIVE_JAVA_OPTS
USAGE
}

# --- Debian packages ------------------------------------------------------------------------------------------------
is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

install_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "archive.sh: not a Debian system (no dpkg-query); make sure these are installed: $*" >&2
    return 0
  fi
  local missing=() pkg
  for pkg in "$@"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || die "missing Debian packages (${missing[*]}) and not root and no sudo: install them first"
    sudo=(sudo)
  fi
  echo "archive.sh: installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
}

# --- Java 25 --------------------------------------------------------------------------------------------------------
java_feature_version() { # prints e.g. 25 for the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java\.specification\.version/ { print $2; exit }'
}

setup_java() {
  if [ -x "$JAVA25/bin/java" ]; then
    export JAVA_HOME="$JAVA25"
  elif [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    local v
    v="$(java_feature_version "$JAVA_HOME/bin/java")"
    case "$v" in
      ''|*[!0-9]*) die "Java 25 is required: cannot tell the version of JAVA_HOME=$JAVA_HOME" ;;
    esac
    [ "$v" -ge 25 ] || die "Java 25 is required: JAVA_HOME=$JAVA_HOME is Java $v (install Temurin 25 at $JAVA25 or set JAVA_HOME)"
  else
    die "Java 25 is required: install Temurin 25 at $JAVA25 or set JAVA_HOME to a Java >= 25"
  fi
  export PATH="$JAVA_HOME/bin:$PATH"
}

MVN=(mvn -B -Dstyle.color=never)

# --- subcommands ----------------------------------------------------------------------------------------------------
cmd_run() {
  # libpixelmed-imageio-java: PixelMed's JPEG lossless codec, re-packaged by the build (archive-ear/pixelmed-imageio);
  # libcharls2: CharLS, called at run time to decode JPEG-LS frames (without it they are reported as not decodable)
  install_packages libpixelmed-java libpixelmed-imageio-java libcharls2 libopenslide0 maven
  setup_java
  "${MVN[@]}" -DskipTests install
  [ -f "$LAUNCHER_JAR" ] || die "build did not produce $LAUNCHER_JAR"
  [ -d "$WILDFLY_HOME" ] || die "build did not produce $WILDFLY_HOME"
  [ -f "$EAR" ] || die "build did not produce $EAR"
  exec "$JAVA_HOME/bin/java" -jar "$LAUNCHER_JAR" --wildfly-home "$WILDFLY_HOME" --ear "$EAR" "$@"
}

cmd_test() {
  # dcmtk and dicom3tools are real peers and validators used by the tests; libvips-tools makes test slides;
  # chromium runs dicom-microscopy-viewer (MicroscopyViewerIT drives it with playwright-core, never a downloaded browser)
  # libopenslide0 + openslide-tools: the converter's OpenSlide fallback and its oracle; libtiff-tools (tiffset) writes the
  # XML descriptions of the synthetic Philips/OME-TIFF test slides
  # libpixelmed-imageio-java and libcharls2 as for run: the unit and integration tests decode JPEG lossless and JPEG-LS
  local pkgs=(libpixelmed-java libpixelmed-imageio-java libcharls2 libopenslide0 openslide-tools libtiff-tools maven dcmtk dicom3tools libvips-tools chromium)
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    pkgs+=(nodejs npm)
  fi
  install_packages "${pkgs[@]}"
  setup_java
  exec "${MVN[@]}" verify "$@"
}

case "${1:-}" in
  run)  shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  help|-h|--help) usage ;;
  *) usage >&2; exit 2 ;;
esac
