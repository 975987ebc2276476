#!/usr/bin/env bash
# Installs R and the CRAN 'sampling' package from Debian, only if missing, for benchmarks/draw.py.
set -euo pipefail
if command -v Rscript >/dev/null 2>&1 && Rscript -e 'suppressMessages(library(sampling))' >/dev/null 2>&1; then
  echo "R and sampling already installed: $(Rscript --version 2>&1 | head -1)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends r-base-core r-cran-sampling
Rscript -e 'suppressMessages(library(sampling)); cat("sampling", format(packageVersion("sampling")), "\n")'
