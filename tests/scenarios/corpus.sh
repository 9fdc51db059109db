#!/bin/sh
# Replay every capture of ../shared/corpus (nDPI's test pcaps and
# suricata-verify) through `l7-pcap --json` with the seed's office policy:
# no crash, no sanitizer report, exit 0. Files libpcap itself cannot open
# are listed and do not fail the test (exit 1 is l7-pcap's documented
# answer to a capture that cannot be loaded). Skips without the corpus.
#
#   corpus.sh L7PCAP SRCDIR [JOBS]
set -u
bin=$1
src=$2
jobs=${3:-2}
shared=${L7_SHARED_DIR:-$src/../shared}
corpus=$shared/corpus
if [ ! -d "$corpus/ndpi" ] && [ ! -d "$corpus/suricata-verify" ]; then
    echo "SKIP: no corpus at $corpus"
    exit 0
fi
tmp=${TMPDIR:-/tmp}/l7-corpus.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
{
    [ -d "$corpus/ndpi/tests/cfgs/default/pcap" ] &&
        find "$corpus/ndpi/tests/cfgs/default/pcap" -type f \
            \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \)
    [ -d "$corpus/suricata-verify" ] &&
        find "$corpus/suricata-verify" -type f \
            \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \)
} | sort >"$tmp/list"
total=$(wc -l <"$tmp/list")
export bin src tmp
# One line per capture: STATUS EXIT FILE.
tr '\n' '\0' <"$tmp/list" | xargs -0 -n 1 -P "$jobs" sh -c '
    f=$1
    e=$tmp/$(echo "$f" | cksum | cut -d" " -f1).err
    "$bin" -c "$src/examples/office.rsc" -r "$f" --json -q --tz UTC >/dev/null 2>"$e"
    rc=$?
    if grep -q -e "runtime error" -e "AddressSanitizer" -e "LeakSanitizer" "$e"; then
        echo "SANITIZER $rc $f"; cat "$e" >&2
    elif [ "$rc" -eq 0 ]; then
        echo "OK 0 $f"; rm -f "$e"
    elif [ "$rc" -eq 1 ] && grep -q "^l7-pcap: $f: " "$e"; then
        echo "UNREADABLE 1 $f: $(head -n 1 "$e")"
    else
        echo "FAIL $rc $f"; cat "$e" >&2
    fi
' sh >"$tmp/results"
ok=$(grep -c '^OK ' "$tmp/results")
unreadable=$(grep -c '^UNREADABLE ' "$tmp/results")
bad=$(grep -c -v -e '^OK ' -e '^UNREADABLE ' "$tmp/results")
grep '^UNREADABLE ' "$tmp/results" | sed 's/^/  /'
grep -v -e '^OK ' -e '^UNREADABLE ' "$tmp/results" | sed 's/^/  /'
echo "corpus: $total captures: $ok replayed, $unreadable unreadable by libpcap, $bad failed"
[ "$bad" -eq 0 ]
