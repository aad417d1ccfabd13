#!/usr/bin/env bash
# PSK enrolments/s of the MEF (1 and 2 network threads) and of its raw OpenSSL baseline against the
# number of concurrent clients, measured with `rspf_bench psk-enrolment` (one run per client count,
# every phase in the same run) and plotted with gnuplot as SVG (issue 14 item 7).
#
#   bench/plot_psk_clients.sh BUILD_DIR [OUT_PREFIX]
#     BUILD_DIR    a Release tree with bench/rspf_bench in it
#     OUT_PREFIX   default docs/figures/psk-enrolment-clients: writes OUT_PREFIX.dat and OUT_PREFIX.svg
#   CLIENTS="1 2 4 8 16" (the client counts), PHASE_SECONDS=3 (each phase's length)
#
# Keep the machine otherwise idle while it runs (about 4 x PHASE_SECONDS per client count).
set -euo pipefail
if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
  sed -n '2,11s/^# \{0,1\}//p' "$0"
  exit 2
fi
bench="$1/bench/rspf_bench"
prefix="${2:-docs/figures/psk-enrolment-clients}"
clients="${CLIENTS:-1 2 4 8 16}"
seconds="${PHASE_SECONDS:-3}"
[[ -x "$bench" ]] || { echo "plot_psk_clients.sh: no $bench (build the rspf_bench target)" >&2; exit 2; }
command -v gnuplot > /dev/null || { echo "plot_psk_clients.sh: gnuplot is missing (scripts/setup.sh installs it)" >&2; exit 2; }
mkdir -p "$(dirname "$prefix")"

run=$(mktemp)
trap 'rm -f "$run"' EXIT
# CPU time the hypervisor took from this machine (steal, /proc/stat): figures from a run with much of
# it are the host's, not rspf's. Said in the data file and in the plot's title.
steal() { awk '/^cpu /{t = 0; for (i = 2; i <= NF; i++) t += $i; print $9, t}' /proc/stat; }
read -r steal0 total0 < <(steal)
{
  echo "# rspf_bench psk-enrolment --seconds $seconds --mef-threads 1,2, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs"
  echo "# clients  baseline_conn_per_s  mef_threads1_conn_per_s  mef_threads2_conn_per_s"
} > "$prefix.dat"
for n in $clients; do
  "$bench" psk-enrolment --clients "$n" --seconds "$seconds" --mef-threads 1,2 > "$run" || {
    echo "plot_psk_clients.sh: the run with $n clients failed:" >&2
    cat "$run" >&2
    exit 1
  }
  # "ratio rspf(threads=T)/baseline = R   (MEF / BASELINE conn/s; ..."
  rate() { sed -n "s|^ratio rspf(threads=$1)/baseline = [0-9.]*   (\([0-9.]*\) / \([0-9.]*\) conn/s.*|\\$2|p" "$run"; }
  base=$(rate 1 2) t1=$(rate 1 1) t2=$(rate 2 1)
  [[ -n $base && -n $t1 && -n $t2 ]] || { echo "plot_psk_clients.sh: cannot read the rates of:" >&2; cat "$run" >&2; exit 1; }
  printf '%s %s %s %s\n' "$n" "$base" "$t1" "$t2" | tee -a "$prefix.dat"
done

read -r steal1 total1 < <(steal)
stolen=$((100 * (steal1 - steal0) / (total1 - total0 + 1)))
echo "# CPU steal during the runs: ${stolen}%" >> "$prefix.dat"

gnuplot <<GNUPLOT
set terminal svg size 720,440 dynamic font 'sans,12'
set output '$prefix.svg'
set title "PSK enrolments per second against concurrent clients (same run, 127.0.0.1; CPU steal ${stolen}%)"
set xlabel 'concurrent clients'
set ylabel 'enrolments (connections) per second'
set logscale x 2
set xtics ($(echo "$clients" | sed 's/ /, /g'))
set yrange [0:*]
set grid
set key top left
plot '$prefix.dat' using 1:2 with linespoints lw 2 pt 7 title 'raw OpenSSL baseline (1 thread)', \
     '' using 1:3 with linespoints lw 2 pt 5 title 'rspf MEF, 1 network thread', \
     '' using 1:4 with linespoints lw 2 pt 9 title 'rspf MEF, 2 network threads'
GNUPLOT
echo "wrote $prefix.dat and $prefix.svg"
