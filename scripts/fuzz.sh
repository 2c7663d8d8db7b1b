#!/usr/bin/env bash
# A longer fuzzing campaign than `swift test` runs: mutated CSV files through the loader and random
# and mutated command lines through the interpreter, seeded.
#   scripts/fuzz.sh [CASES] [SEED]      (default 20000 cases, seed from the clock; printed to replay)
set -euo pipefail
cd "$(dirname "$0")/.."
cases="${1:-20000}"
seed="${2:-$(date +%s)}"
echo "fuzz: $cases cases per test, seed $seed (rerun with: scripts/fuzz.sh $cases $seed)"
ONEPROXY_FUZZ_CASES="$cases" ONEPROXY_FUZZ_SEED="$seed" \
  swift test ${SCRATCH:+--scratch-path "$SCRATCH"} --filter 'CSVFuzzTests|InterpreterFuzzTests|FuzzTests'
