#!/usr/bin/env bash
# The plot script end to end (ctest bench_plot_psk_clients_smoke): two client counts, short phases;
# a data row for each and an SVG that gnuplot wrote. A smoke run, not a speed test.
set -euo pipefail
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CLIENTS='1 2' PHASE_SECONDS=0.2 "$(dirname "$0")/plot_psk_clients.sh" "$1" "$out/p"
rows=$(grep -c '^[12] [0-9.]* [0-9.]* [0-9.]*$' "$out/p.dat")
[[ $rows -eq 2 ]] || { echo "expected 2 data rows, found $rows:"; cat "$out/p.dat"; exit 1; }
grep -q '<svg' "$out/p.svg" || { echo "no SVG written"; exit 1; }
grep -q 'rspf MEF, 2 network threads' "$out/p.svg" || { echo "the SVG lacks its legend"; exit 1; }
