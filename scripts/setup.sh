#!/usr/bin/env bash
# Installs every build and test dependency of rspf from Debian 12's archive.
# Used by README's quick start and by .ci/run; safe to run again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libssl-dev openssl
  libboost1.81-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev libtomlplusplus-dev
  libsqlite3-dev sqlite3
  prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  gnutls-bin curl python3 procps
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
