#!/usr/bin/env bash
# Builds envfactory/base:bookworm, a minimal Debian bookworm root filesystem with Python 3.11,
# pip and venv, without pulling anything from a Docker registry: debootstrap fetches the .debs
# from a Debian mirror, `docker import` turns the tree into an image.
#
#   docker/build-base-image.sh [--force] [--tag IMAGE]
#
# Environment:
#   ENVFACTORY_DEBIAN_MIRROR           Debian mirror (default: the bookworm mirror apt uses here,
#                                      read from /etc/apt/sources.list*; else deb.debian.org)
#   ENVFACTORY_DEBIAN_SECURITY_MIRROR  security mirror for the upgrade step (default: from apt's
#                                      sources; empty: no security suite)
#   ENVFACTORY_BASE_UPGRADE=0          skip `apt-get upgrade` against bookworm-updates/-security
#   ENVFACTORY_BASE_IMAGE              image name (default envfactory/base:bookworm)
#   TMPDIR                             where the root filesystem is assembled (default /var/tmp)
#
# Idempotent: does nothing when the image exists, unless --force. Needs root (debootstrap) and a
# running Docker daemon.
set -euo pipefail

IMAGE="${ENVFACTORY_BASE_IMAGE:-envfactory/base:bookworm}"
SUITE=bookworm
FORCE=0
UPGRADE="${ENVFACTORY_BASE_UPGRADE:-1}"

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        --force) FORCE=1 ;;
        --tag) IMAGE="$2"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

log() { printf '[build-base-image] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The first URI that apt uses for the given suite (deb822 .sources and one-line .list files).
apt_mirror_for() {
    local suite="$1" f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f "$f" ]] || continue
        awk -v suite="$suite" '
            function flush() {
                if (uri != "" && enabled && index(" " suites " ", " " suite " ") && !found) {
                    print uri; found = 1
                }
                uri = ""; suites = ""; enabled = 1
            }
            BEGIN { enabled = 1 }
            /^[[:space:]]*$/ { flush(); next }
            /^[[:space:]]*#/ { next }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { $1 = ""; suites = $0 }
            tolower($1) == "enabled:" { enabled = (tolower($2) != "no") }
            END { flush() }
        ' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f "$f" ]] || continue
        # deb [options] URI SUITE COMPONENTS...
        awk -v suite="$suite" '
            $1 == "deb" {
                i = 2
                if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                if ($(i + 1) == suite) print $i
            }
        ' "$f"
    done
}

MIRROR="${ENVFACTORY_DEBIAN_MIRROR:-$(apt_mirror_for "$SUITE" | head -n1)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
if [[ -z "${ENVFACTORY_DEBIAN_SECURITY_MIRROR+set}" ]]; then
    SECURITY_MIRROR="$(apt_mirror_for "$SUITE-security" | head -n1)"
else
    SECURITY_MIRROR="$ENVFACTORY_DEBIAN_SECURITY_MIRROR"
fi
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

command -v docker >/dev/null || die "docker CLI not found"
docker info >/dev/null 2>&1 || die "cannot reach the Docker daemon (is dockerd running?)"

if [[ "$FORCE" == 0 ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
    log "$IMAGE exists; nothing to do (use --force to rebuild)"
    exit 0
fi

[[ "$(id -u)" == 0 ]] || die "debootstrap needs root"
command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install -y debootstrap)"
[[ -r "$KEYRING" ]] || die "$KEYRING missing (apt-get install -y debian-archive-keyring)"

WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/envfactory-base.XXXXXX")"
ROOT="$WORK/rootfs"
cleanup() {
    local rc=$?
    if mountpoint -q "$ROOT/proc" 2>/dev/null; then
        umount "$ROOT/proc" || umount -l "$ROOT/proc" || true
    fi
    # Never delete a tree that still has something mounted inside it.
    if grep -q " $WORK/" /proc/mounts; then
        log "warning: mounts remain under $WORK; left in place"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

START=$SECONDS
log "debootstrap $SUITE from $MIRROR into $ROOT"
debootstrap \
    --variant=minbase \
    --include=python3,python3-pip,python3-venv \
    --components=main \
    --keyring="$KEYRING" \
    "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    { tail -n 40 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

# apt sources of the image: the same mirrors, all three suites.
{
    echo "deb $MIRROR $SUITE main"
    echo "deb $MIRROR $SUITE-updates main"
    if [[ -n "$SECURITY_MIRROR" ]]; then echo "deb $SECURITY_MIRROR $SUITE-security main"; fi
} >"$ROOT/etc/apt/sources.list"

# Keep images slim, like the official debian:*-slim images: no docs/man pages/translations in any
# later apt install, no recommended packages, no .deb cache.
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/envfactory-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
cat >"$ROOT/etc/apt/apt.conf.d/90envfactory" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
EOF
# Services must not start inside an image build.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"

if [[ "$UPGRADE" != 0 ]]; then
    log "apt-get upgrade against $SUITE-updates${SECURITY_MIRROR:+ and $SUITE-security}"
    mount -t proc proc "$ROOT/proc"
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get update -q && apt-get -y -q -o Dpkg::Options::=--force-confold upgrade' \
        >"$WORK/upgrade.log" 2>&1 ||
        { tail -n 40 "$WORK/upgrade.log" >&2; die "apt-get upgrade failed (ENVFACTORY_BASE_UPGRADE=0 skips it)"; }
    umount "$ROOT/proc"
fi

# Trim what the image never needs; Docker provides hostname, hosts and resolv.conf at run time.
find "$ROOT/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
rm -rf "$ROOT"/usr/share/{man,info,lintian}/* \
    "$ROOT"/var/lib/apt/lists/* \
    "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/cache/apt/archives/*.deb \
    "$ROOT"/var/cache/debconf/*-old "$ROOT"/var/lib/dpkg/*-old \
    "$ROOT"/tmp/* "$ROOT"/var/tmp/* "$ROOT"/root/.cache
find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} + 2>/dev/null || true
find "$ROOT/var/log" -type f -delete
find "$ROOT/usr" -name __pycache__ -type d -prune -exec rm -rf {} +
: >"$ROOT/etc/machine-id"
rm -f "$ROOT/etc/resolv.conf" "$ROOT/etc/hostname"

PY_VERSION="$(chroot "$ROOT" /usr/bin/python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
log "python $PY_VERSION; importing into $IMAGE"
tar --numeric-owner --xattrs --acls -C "$ROOT" -c . |
    docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' \
        --change "LABEL org.opencontainers.image.title=envfactory-base" \
        --change "LABEL org.opencontainers.image.base.name=debian:$SUITE" \
        --change "LABEL org.opencontainers.image.created=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
        --change "LABEL org.envfactory.debian-mirror=$MIRROR" \
        --change "LABEL org.envfactory.python-version=$PY_VERSION" \
        --message "debootstrap --variant=minbase $SUITE $MIRROR" \
        - "$IMAGE" >/dev/null

log "built $IMAGE in $((SECONDS - START))s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"
