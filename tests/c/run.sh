#!/usr/bin/env bash
# Builds and runs every tests/c/test_*.c against the pure-C sources in
# native/base and native/profile (no Python.h there).  Usage: tests/c/run.sh [--sanitize]
# --sanitize builds with ASan+UBSan and makes any report fatal.
# A test of a pure-C file of native/extension names that file (and what it
# needs) in extra_srcs below; only that test is built with it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cc="${CC:-cc}"
flags=(-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -I"$root/native/base" -I"$root/native/profile" -I"$here")
out="$here/bin/plain"
if [[ "${1:-}" == "--sanitize" ]]; then
    flags+=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    out="$here/bin/sanitize"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fi
mkdir -p "$out"
common_srcs=("$root"/native/base/*.c "$root"/native/profile/*.c)
# test name -> extension sources (relative to native/extension) built into it
declare -A extra_srcs=(
    [test_aggregate]="aggregate.c"
    [test_mem_stats]="mem_stats.c aggregate.c"
)
total_pass=0; total_fail=0; status=0
for t in "$here"/test_*.c; do
    name="$(basename "$t" .c)"
    extra=()
    if [[ -n "${extra_srcs[$name]:-}" ]]; then
        extra=(-I"$root/native/extension")
        for src in ${extra_srcs[$name]}; do extra+=("$root/native/extension/$src"); done
    fi
    "$cc" "${flags[@]}" "${extra[@]}" "$t" "${common_srcs[@]}" -o "$out/$name" -lm -lpthread
    if ! log="$("$out/$name" 2>&1)"; then status=1; fi
    echo "$log" | grep -v '^ok  ' || true
    p=$(echo "$log" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
    f=$(echo "$log" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
    if [[ -z "$p" ]]; then echo "$name: no summary (crashed?)"; status=1; p=0; f=1; fi
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
done
echo "C unit tests${1:+ ($1)}: $total_pass passed, $total_fail failed"
[[ $status -eq 0 && $total_fail -eq 0 ]]
