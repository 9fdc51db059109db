#!/bin/sh
# The shared library exports only l7_* symbols, each at the version node
# L7_<major>.<minor>, plus that node itself.
set -eu
lib=$1
[ -f "$lib" ] || { echo "no library at $lib"; exit 1; }
node=$(nm -D --defined-only "$lib" | awk '$2 == "A" { print $3 }')
[ -n "$node" ] || { echo "FAIL: no version node in $lib"; exit 1; }
case "$node" in L7_[0-9]*.[0-9]*) ;; *) echo "FAIL: version node '$node'"; exit 1;; esac
[ "$(printf '%s\n' "$node" | wc -l)" -eq 1 ] || { echo "FAIL: several nodes: $node"; exit 1; }
bad=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | grep -v "^l7_[a-z0-9_]*@@$node\$" || true)
if [ -n "$bad" ]; then
  echo "FAIL: symbols outside l7_*@@$node:"; echo "$bad"; exit 1
fi
n=$(nm -D --defined-only "$lib" | awk '$2 != "A"' | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: no exported symbol"; exit 1; }
echo "ok: $n symbols, all l7_* at $node"
