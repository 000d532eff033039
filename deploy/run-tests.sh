#!/usr/bin/env bash
# README command (b): install dependencies, build, and run the whole test suite: unit and
# integration tests on the normal build, then again on an ASan/UBSan build, then a short fuzz
# smoke run of every parser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install-deps.sh

echo "== build (debugoptimized)"
bash deploy/build.sh build
echo "== tests"
meson test -C build --print-errorlogs --num-processes 2

echo "== build (address,undefined sanitizers)"
bash deploy/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false
echo "== tests under ASan/UBSan"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
meson test -C build-asan --print-errorlogs --num-processes 2

if [ -x tests/fuzz/run.sh ] || [ -f tests/fuzz/run.sh ]; then
  echo "== fuzz (every wire and rule parser: 100000 inputs per target, at most 30 s each)"
  WT_FUZZ_RUNS=100000 bash tests/fuzz/run.sh 30
fi
echo "== all tests passed"
