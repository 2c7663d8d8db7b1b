#!/usr/bin/env bash
# The fuzz campaign against the RELEASE binary, as built (nothing is rebuilt): grammar-aware
# statements drawn from the binary's own help (its command registry), mutated CSVs, deep nesting,
# huge and tiny numbers, control bytes and non-regular files, run as scripts, through -c and
# through a pipe, with and without --safe. Counts crashes, hangs (no output for 10 s and deaf to
# SIGINT), raw control bytes on stdout or stderr, and files written outside the working folder.
#   scripts/fuzz.sh [SCRIPTS] [SEED] [STATEMENTS_PER_SCRIPT] [SINGLES]
#   (default 100 scripts x 1000 statements + 500 single statements, seed from the clock; the seed
#   is printed to replay; findings are saved with their statements in the report folder)
# The in-process fuzz suites still run with `swift test --filter 'CSVFuzzTests|InterpreterFuzzTests|FuzzTests'`
# (ONEPROXY_FUZZ_CASES, ONEPROXY_FUZZ_SEED).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts="${1:-100}"
seed="${2:-$(date +%s)}"
per="${3:-1000}"
singles="${4:-500}"
bin="$(swift build -c release --show-bin-path ${SCRATCH:+--scratch-path "$SCRATCH"})/oneproxy"
if [ ! -x "$bin" ]; then
  echo "fuzz: no release binary at $bin; build it first: swift build -c release --product oneproxy" >&2
  exit 2
fi
command -v python3 >/dev/null || { echo "fuzz: needs python3" >&2; exit 2; }
echo "fuzz: $bin, $scripts scripts x $per statements + $singles singles, seed $seed (rerun with: scripts/fuzz.sh $scripts $seed $per $singles)"
exec python3 scripts/fuzz.py "$bin" --seed "$seed" --scripts "$scripts" --per-script "$per" --singles "$singles" ${FUZZ_REPORT:+--report "$FUZZ_REPORT"}
