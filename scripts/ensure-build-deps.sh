#!/usr/bin/env bash
# Build dependencies of the optional compiled engine accelerator (spotcheck.engine._accel):
# a C compiler and the OpenSSL headers. Without them `pip install -e .` still succeeds (the
# extension is optional) and the draw engine runs its pure-Python code, only more slowly.
# Installs what is missing on Debian/Ubuntu; elsewhere it only says what to install.
set -euo pipefail

missing=()
[ -f /usr/include/openssl/evp.h ] || missing+=(libssl-dev)
command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || missing+=(gcc)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "ensure-build-deps: installing ${missing[*]} (for the engine accelerator)"
  if ! { $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
         { $SUDO apt-get update -qq >/dev/null 2>&1 &&
           $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }; }; then
    echo "ensure-build-deps: could not install ${missing[*]}; the engine will use pure Python" >&2
  fi
else
  echo "ensure-build-deps: please install ${missing[*]} (OpenSSL headers, C compiler);" \
    "without them the engine uses its pure-Python code" >&2
fi
exit 0
