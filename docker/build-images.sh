#!/usr/bin/env bash
# Builds envfactory/worker:latest and envfactory/server:latest without PyPI or a registry inside
# the build: the wheels of envfactory and all its dependencies are built on the host (pip wheel),
# and each image is built from a temporary context that holds only its Dockerfile and those
# wheels, with `docker build --network none`, on top of envfactory/base:bookworm (built first by
# build-base-image.sh when missing).
#
#   docker/build-images.sh [--rebuild-base] [IMAGE...]      IMAGE: worker, server (default: both)
#
# Environment:
#   PYTHON   host interpreter that builds the wheels (default python3); its major.minor must match
#            the base image's Python (3.11 for bookworm), because compiled wheels are per version
#   TMPDIR   where the wheels and contexts are assembled (default /var/tmp)
#
# Works from any directory; the repository root is the parent of this script's folder. Images are
# tagged :latest and :<envfactory version>, and labelled with org.envfactory.source-hash (see
# source-hash.sh) so that tests can tell a stale image.
set -euo pipefail

DOCKER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(dirname "$DOCKER_DIR")"
BASE_IMAGE="${ENVFACTORY_BASE_IMAGE:-envfactory/base:bookworm}"
PYTHON="${PYTHON:-python3}"
REBUILD_BASE=0
TARGETS=()

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --rebuild-base) REBUILD_BASE=1 ;;
        worker|server) TARGETS+=("$1") ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(worker server)

log() { printf '[build-images] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

extras_for() {
    case "$1" in
        worker) echo envs ;;
        server) echo server,cli ;;
    esac
}

command -v docker >/dev/null || die "docker CLI not found"
docker info >/dev/null 2>&1 || die "cannot reach the Docker daemon (is dockerd running?)"

START=$SECONDS
if [[ "$REBUILD_BASE" == 1 ]]; then
    "$DOCKER_DIR/build-base-image.sh" --force --tag "$BASE_IMAGE"
else
    "$DOCKER_DIR/build-base-image.sh" --tag "$BASE_IMAGE"
fi

# Wheels are compiled per CPython minor version: the host's must be the image's.
BASE_PY="$(docker image inspect -f '{{index .Config.Labels "org.envfactory.python-version"}}' "$BASE_IMAGE")"
HOST_PY="$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
if [[ -n "$BASE_PY" && "${BASE_PY%.*}" != "${HOST_PY%.*}" ]]; then
    die "$PYTHON is Python $HOST_PY but $BASE_IMAGE has $BASE_PY; set PYTHON to a ${BASE_PY%.*} interpreter"
fi

WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/envfactory-images.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

# A clean copy of the sources (tracked and untracked-but-not-ignored files), so that a stale
# build/ or *.egg-info in the checkout never leaks into the wheel and the checkout is not written.
SRC="$WORK/src"
mkdir -p "$SRC"
SOURCE_HASH="$("$DOCKER_DIR/source-hash.sh" "$REPO_ROOT")"
if git -C "$REPO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    REVISION="$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    git -C "$REPO_ROOT" diff --quiet HEAD -- 2>/dev/null || REVISION="$REVISION-dirty"
    git -C "$REPO_ROOT" ls-files -z -co --exclude-standard |
        while IFS= read -r -d '' f; do
            if [[ -f "$REPO_ROOT/$f" ]]; then printf '%s\0' "$f"; fi
        done |
        tar -C "$REPO_ROOT" --null -T - -c | tar -C "$SRC" -x
else
    REVISION=unknown
    tar -C "$REPO_ROOT" -c \
        --exclude=.git --exclude=build --exclude=dist --exclude='*.egg-info' --exclude=__pycache__ \
        --exclude='*.pyc' --exclude=.venv --exclude='.*_cache' --exclude=.benchmarks --exclude=.hypothesis \
        . | tar -C "$SRC" -x
fi

EXTRAS="$(for t in "${TARGETS[@]}"; do extras_for "$t"; done | paste -sd, -)"
log "building wheels for envfactory[$EXTRAS] with $PYTHON ($HOST_PY)"
WHEELS="$WORK/wheels"
"$PYTHON" -m pip wheel --quiet --disable-pip-version-check --progress-bar off \
    --wheel-dir "$WHEELS" "${SRC}[${EXTRAS}]" >"$WORK/pip.log" 2>&1 ||
    { tail -n 40 "$WORK/pip.log" >&2; die "pip wheel failed"; }
VERSION="$(find "$WHEELS" -maxdepth 1 -name "envfactory-*.whl" -printf "%f\n" | head -n1 | cut -d- -f2)"
[[ -n "$VERSION" ]] || die "pip wheel produced no envfactory wheel"
log "$(find "$WHEELS" -name "*.whl" | wc -l) wheels, $(du -sh "$WHEELS" | cut -f1); envfactory $VERSION ($REVISION)"

CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
for target in "${TARGETS[@]}"; do
    T0=$SECONDS
    image="envfactory/$target"
    ctx="$WORK/context-$target"
    mkdir -p "$ctx"
    cp -al "$WHEELS" "$ctx/wheels" 2>/dev/null || cp -a "$WHEELS" "$ctx/wheels"
    cp "$DOCKER_DIR/$target.Dockerfile" "$ctx/Dockerfile"
    log "docker build $image:latest"
    docker build --network none --force-rm \
        --build-arg "BASE_IMAGE=$BASE_IMAGE" \
        --label "org.opencontainers.image.title=envfactory-$target" \
        --label "org.opencontainers.image.version=$VERSION" \
        --label "org.opencontainers.image.revision=$REVISION" \
        --label "org.opencontainers.image.created=$CREATED" \
        --label "org.envfactory.source-hash=$SOURCE_HASH" \
        -t "$image:latest" -t "$image:$VERSION" \
        "$ctx" >"$WORK/build-$target.log" 2>&1 ||
        { tail -n 40 "$WORK/build-$target.log" >&2; die "docker build of $image failed"; }
    size="$(docker image inspect -f '{{.Size}}' "$image:latest" | awk '{printf "%.0f MB", $1/1e6}')"
    log "built $image:latest in $((SECONDS - T0))s ($size)"
done

# Drop what each build leaves dangling: the images of the build stages and the images that
# :latest pointed to before.
docker image prune --force --filter "label=org.envfactory.stage=build" >/dev/null 2>&1 || true
docker image prune --force --filter "label=org.envfactory.source-hash" >/dev/null 2>&1 || true
log "done in $((SECONDS - START))s"
