#!/usr/bin/env bash
# Installs every build and test dependency of rspf from Debian 12's archive.
# Used by README's quick start and by .ci/run; safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(
  build-essential cmake ninja-build pkg-config ccache
  libssl-dev openssl
  libboost1.81-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libsqlite3-dev sqlite3
  prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnutls-bin curl python3 procps
  postgresql-15 libpqxx-dev          # the shared store (issue 12); tests start throwaway clusters
  libcoap3-dev libcoap3-bin          # the CoAPS binding and libcoap's independent clients
  clang-14 libclang-rt-14-dev        # libFuzzer targets (fuzz/)
  clang-format-14
  libsystemd-dev lintian help2man    # sd_notify, the Debian package and its man pages
  gnuplot-nox                        # bench/ plots
  libosmocore-utils  # osmo-auc-gen: an independent Milenage for tests (a tool only; libosmocore is GPL, never linked)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
