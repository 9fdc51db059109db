#!/bin/sh
# ctest: `l7-pcap --check` accepts the office policy and rejects a bad one
# with FILE:LINE:COL diagnostics.
set -u
bin=$1
src=$2
tmp=${TMPDIR:-/tmp}/l7-pcap-check.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
fail() { echo "FAIL: $*"; exit 1; }

"$bin" --check -c "$src/examples/office.rsc" 2>"$tmp/good.err" ||
    { cat "$tmp/good.err"; fail "office.rsc did not load"; }
"$bin" --check --strict -c "$src/examples/office.rsc" 2>"$tmp/strict.err" &&
    fail "office.rsc loaded in strict mode (it uses list extensions)"
grep -q 'office.rsc:[0-9]*:[0-9]*: error: .*strict' "$tmp/strict.err" ||
    { cat "$tmp/strict.err"; fail "no strict-mode error"; }

cat >"$tmp/bad.rsc" <<'RSC'
/ip firewall layer7-protocol add name=web regexp="^GET"
/ip firewall filter add chain=forward action=drop layer7-protocol=nosuch
/ip firewall filter add chain=forward action=frobnicate
/tool torch interface=bridge
RSC
"$bin" --check -c "$tmp/bad.rsc" 2>"$tmp/bad.err"
rc=$?
[ "$rc" -eq 1 ] || { cat "$tmp/bad.err"; fail "bad.rsc: exit $rc, want 1"; }
grep -q 'bad.rsc:2:[0-9]*: error: .*nosuch' "$tmp/bad.err" ||
    { cat "$tmp/bad.err"; fail "no error for the undefined protocol"; }
grep -q 'bad.rsc:3:[0-9]*: error: ' "$tmp/bad.err" ||
    { cat "$tmp/bad.err"; fail "no error for the bad action"; }
grep -q 'bad.rsc:4:1: error: .*not a configuration command' "$tmp/bad.err" ||
    { cat "$tmp/bad.err"; fail "no console-only error"; }
grep -q '\^' "$tmp/bad.err" || fail "no underline"

"$bin" --check --lenient -c "$tmp/bad.rsc" 2>/dev/null && fail "lenient hid real errors"
"$bin" --check 2>/dev/null; [ $? -eq 2 ] || fail "missing -c: want exit 2"
"$bin" --frob 2>/dev/null; [ $? -eq 2 ] || fail "bad option: want exit 2"
"$bin" --version | grep -q libl7 || fail "--version"
echo "l7-pcap --check: ok"
