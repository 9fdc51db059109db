#!/bin/sh
# lib/ reads no clock, does no I/O of its own and touches no process-global
# time-zone state (design.md principle 1).
set -eu
dir=$1
pattern='\b(time|clock_gettime|gettimeofday|clock|localtime|localtime_r|gmtime|tzset|getenv|fopen|open|printf|fprintf|puts|rand|srand)[[:space:]]*\('
hits=$(grep -nE "$pattern" "$dir"/*.c "$dir"/*.h | grep -vE '^\S+:[0-9]+:\s*(/?\*|//)' || true)
if [ -n "$hits" ]; then
  echo "FAIL: forbidden calls in lib/:"; echo "$hits"; exit 1
fi
echo "ok: no clock, I/O or global-state calls in lib/"
