#!/bin/sh
# Scenario tests: run each policy over its capture with
#   l7-pcap -c POLICY -r CAPTURE --tz UTC --json -q
# and compare the JSON Lines with NAME.expected.jsonl, byte for byte.
#
#   run.sh L7PCAP SRCDIR [L7GEN] [--update] [NAME...]
#
# --update rewrites the expected files (review every change by reasoning
# about RouterOS semantics before committing it: they pin behaviour).
# The shaping capture is made at test time by l7-gen (8.9 MB); without
# L7GEN that scenario is skipped.
set -u
bin=$1
src=$2
shift 2
gen=
case ${1:-} in -*|'') ;; *) gen=$1; shift ;; esac
update=0
[ "${1:-}" = --update ] && { update=1; shift; }
only="$*"
dir=$src/tests/scenarios
tmp=${TMPDIR:-/tmp}/l7-scenarios.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
fail=0
ran=0

# name policy capture [extra l7-pcap options]
scenarios() {
    cat <<LIST
office examples/office.rsc examples/data/office.pcap
office-weekend examples/office.rsc tests/scenarios/captures/office-weekend.pcap
time-midnight tests/scenarios/time-midnight.rsc tests/scenarios/captures/time-midnight.pcap
time-two-ranges tests/scenarios/time-two-ranges.rsc tests/scenarios/captures/time-two-ranges.pcap
mark-once tests/scenarios/mark-once.rsc tests/scenarios/captures/mark-once.pcap
addrlist-timeout tests/scenarios/addrlist-timeout.rsc tests/scenarios/captures/addrlist-timeout.pcap
window tests/scenarios/window.rsc tests/scenarios/captures/window.pcap
window-l7-bytes tests/scenarios/window.rsc tests/scenarios/captures/window.pcap --l7-bytes=1000 --l7-packets=5
log tests/scenarios/log.rsc examples/data/office.pcap
ipv6 tests/scenarios/ipv6.rsc tests/scenarios/captures/ipv6.pcap
malformed tests/scenarios/malformed.rsc tests/scenarios/captures/malformed.pcap
shaping examples/office.rsc gen:shaping
LIST
}

scenarios | while read -r name policy capture extra; do
    if [ -n "$only" ]; then
        case " $only " in *" $name "*) ;; *) continue ;; esac
    fi
    case $capture in
    gen:*)
        if [ -z "$gen" ] || [ ! -x "$gen" ]; then
            echo "SKIP $name: no l7-gen to make its capture"
            continue
        fi
        cap=$tmp/${capture#gen:}.pcap
        "$gen" "${capture#gen:}" -o "$cap" || { echo "FAIL $name: l7-gen"; exit 1; }
        ;;
    *) cap=$src/$capture ;;
    esac
    out=$tmp/$name.jsonl
    # shellcheck disable=SC2086
    "$bin" -c "$src/$policy" -r "$cap" --tz UTC --json -q $extra >"$out" 2>"$tmp/$name.err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "FAIL $name: exit $rc"
        cat "$tmp/$name.err"
        exit 1
    fi
    if grep -q -e 'runtime error' -e 'Sanitizer' "$tmp/$name.err"; then
        echo "FAIL $name: sanitizer report"
        cat "$tmp/$name.err"
        exit 1
    fi
    want=$dir/$name.expected.jsonl
    if [ "$update" -eq 1 ]; then
        cp "$out" "$want"
        echo "updated $name"
    elif ! diff -u "$want" "$out" >"$tmp/$name.diff" 2>&1; then
        echo "FAIL $name"
        head -n 60 "$tmp/$name.diff"
        exit 1
    else
        echo "ok   $name"
    fi
done
