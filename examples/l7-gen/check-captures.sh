#!/bin/sh
# Regenerate every scenario and compare it byte for byte with the copy in
# the repository: a generator change that forgets to refresh the captures
# fails here. Refresh with: l7-gen --all DIR, then copy (see
# tests/scenarios/README.md).
set -eu
gen=$1 src=$2 out=$3
rm -rf "$out"
"$gen" --all "$out"
fail=0
for name in $("$gen" LIST); do
    case $name in
    office) ref=$src/examples/data/office.pcap ;;
    shaping) continue ;; # too large to commit: made at test time
    *) ref=$src/tests/scenarios/captures/$name.pcap ;;
    esac
    if ! cmp -s "$out/$name.pcap" "$ref"; then
        echo "l7-gen $name differs from $ref (refresh the committed capture)" >&2
        fail=1
    fi
done
# Nothing committed that the generator does not make.
for f in "$src"/tests/scenarios/captures/*.pcap; do
    [ -e "$out/$(basename "$f")" ] || { echo "stale capture: $f" >&2; fail=1; }
done
exit $fail
