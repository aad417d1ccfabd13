#!/usr/bin/env bash
# The Debian package (issue 13 item 1), from an existing Release build folder: build it with CPack,
# check it with lintian (no errors), install it with dpkg -i, verify the systemd units and run the
# installed binary. Used by .ci/run; needs root (dpkg -i). Usage: scripts/check-package.sh BUILD_DIR
set -euo pipefail
build=${1:-build}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
cmake --build "$build" --target rspf_package_files >/dev/null
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(ls "$build"/rspf_*_amd64.deb)
echo "package: $deb"
dpkg-deb --info "$deb" | sed -n '/Depends/p'
# lintian: errors fail; warnings are printed.
lintian --fail-on error "$deb"
$SUDO dpkg -i "$deb"
for unit in rspf-mef.service rspf-target@.service rspf-maf.service rspf-bsf.service rspf-ca.service; do
  test -f "/usr/lib/systemd/system/$unit"
done
# systemd-analyze verify needs the instance of the template and the user the units name.
getent passwd rspf >/dev/null
(cd /usr/lib/systemd/system && systemd-analyze verify rspf-mef.service rspf-maf.service rspf-bsf.service \
  rspf-ca.service rspf-target@example.service)
/usr/bin/rspf --version
/usr/bin/rspf mef --version
test -f /usr/share/man/man1/rspf.1.gz && test -f /usr/share/man/man1/rspf-mef.1.gz
test -f /usr/share/bash-completion/completions/rspf
test -f /usr/share/doc/rspf/examples/mef.toml
