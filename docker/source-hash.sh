#!/usr/bin/env bash
# Prints a SHA-256 over the code that runs in the envfactory images: the package folders the
# server and its workers import (environments, sdk, server, cli), pyproject.toml, setup.py and the
# Dockerfiles (not factory/ or trainer/, which the images carry but never run, nor tests or docs). build-images.sh
# stores it as the image label org.envfactory.source-hash; tests/docker_support.py compares it
# with the checkout to tell whether an image is stale.
#
#   docker/source-hash.sh [REPO_ROOT]
set -euo pipefail
export LC_ALL=C
ROOT="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$ROOT"
PATHS=(environments sdk server cli pyproject.toml setup.py docker/worker.Dockerfile
    docker/server.Dockerfile)

list_files() {
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # Tracked and untracked-but-not-ignored files, like the build context of build-images.sh.
        git ls-files -z -co --exclude-standard -- "${PATHS[@]}"
    else
        find "${PATHS[@]}" -type f -not -path '*/__pycache__/*' -not -name '*.py[co]' -print0 2>/dev/null || true
    fi
}

list_files | sort -z -u | while IFS= read -r -d '' f; do
    if [[ -f "$f" ]]; then printf '%s\0' "$f"; fi
done | xargs -0 -r sha256sum | sha256sum | cut -c1-64
