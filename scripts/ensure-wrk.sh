#!/usr/bin/env bash
# The public-search load test (benchmarks/public_search_load.py, `make bench-load`) drives the
# server with wrk; Debian packages it, so install the distro build when it is missing.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
echo "Installing Debian's wrk for the load test…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq wrk >/dev/null
wrk --version 2>&1 | head -n 1 || true
