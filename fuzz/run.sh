#!/usr/bin/env bash
# Runs every fuzz target of BUILD_DIR (built with -DRSPF_FUZZ=ON) on its committed seed corpus, one
# after another, with the extra libFuzzer flags given (default: 5 seconds each). New inputs go to a
# scratch folder, never into fuzz/corpus. Fails on the first finding and keeps its reproducer.
#   fuzz/run.sh build-fuzz -max_total_time=3     # CI: 3 s per target (default 5 s)
#   fuzz/run.sh build-fuzz -runs=1000000         # the record of docs/security.md
#   FUZZ_TARGETS="url csv_table" fuzz/run.sh build-fuzz -max_total_time=60
# FUZZ_TIMEOUT (default 10 s) is the hang limit; raise it on a loaded machine, where a starved
# process can spend 10 s of wall time on one input.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [libFuzzer flags...]}
shift
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(-max_total_time=5)
out=${FUZZ_OUT:-$(mktemp -d /tmp/rspf-fuzz-XXXXXX)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# The longest input each target takes: a little over what rspf accepts, so the refusal is reached.
max_len() {
  case $1 in
    http_request | mef_router | admin_router) echo 20000 ;;
    identifiers | psk_identity) echo 512 ;;
    url | query_string) echo 1024 ;;
    digest_header | csr_attributes | raw_public_key | zn_answer | approval_webhook_answer) echo 4096 ;;
    certificate_request) echo 9000 ;;
    est_body) echo 12500 ;;
    *) echo 8192 ;;
  esac
}

targets=${FUZZ_TARGETS:-$(cd "$here/corpus" && ls)}
for name in $targets; do
  binary="$build/fuzz/${name}_fuzzer"
  [ -x "$binary" ] || { echo "no fuzz target $binary" >&2; exit 1; }
  mkdir -p "$out/$name/new" "$out/$name/artifacts"
  log="$out/$name/log"
  start=$(date +%s)
  if ! "$binary" "$out/$name/new" "$here/corpus/$name" -max_len="$(max_len "$name")" -timeout="${FUZZ_TIMEOUT:-10}" \
      -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$name/artifacts/" "${flags[@]}" >"$log" 2>&1; then
    tail -60 "$log" >&2
    echo "FINDING in $name: reproducer in $out/$name/artifacts/, log $log" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(ls "$out/$name/new" "$here/corpus/$name" | grep -vc ':$\|^$' || true)
  echo "$name: ${runs:-?} executions in $(( $(date +%s) - start )) s, corpus $corpus inputs, no finding"
done
