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

# --compat-l7filter (Decision 4): \x2e keeps its meta meaning, with a
# warning either way; a replay accepts the option.
printf '%s\n' '/ip firewall layer7-protocol add name=dot regexp="^a\\x2eb"' \
    >"$tmp/dot.rsc"
"$bin" --check -c "$tmp/dot.rsc" 2>"$tmp/dot.err" || fail "dot.rsc did not load"
grep -q 'dot.rsc:1:[0-9]*: warning: .*x2e.*literal byte' "$tmp/dot.err" ||
    { cat "$tmp/dot.err"; fail "no literal-byte warning"; }
"$bin" --check --compat-l7filter -c "$tmp/dot.rsc" 2>"$tmp/dotc.err" ||
    { cat "$tmp/dotc.err"; fail "--compat-l7filter refused"; }
grep -q 'dot.rsc:1:[0-9]*: warning: .*x2e.*regex meaning' "$tmp/dotc.err" ||
    { cat "$tmp/dotc.err"; fail "--compat-l7filter did not change the meaning"; }

# --help lists every option.
"$bin" --help >"$tmp/help" || fail "--help"
for opt in --read --interface --write --config --check --strict --lenient --tz \
    --json --log --l7-packets --l7-bytes --l7-collect --compat-l7filter \
    --strict-first-packet --tcp-order --quiet --help --version; do
    grep -q -e "$opt" "$tmp/help" || fail "--help does not list $opt"
done

# Replay: the human summary, exit 0; bad inputs exit 1, usage errors 2.
pol=$src/examples/office.rsc
cap=$src/examples/data/office.pcap
if [ -f "$cap" ]; then
    "$bin" -c "$pol" -r "$cap" --tz UTC >"$tmp/sum" 2>"$tmp/sum.err" ||
        { cat "$tmp/sum.err"; fail "office replay"; }
    grep -q '^514 packets' "$tmp/sum" || { cat "$tmp/sum"; fail "summary totals"; }
    "$bin" --compat-l7filter -c "$pol" -r "$cap" --tz UTC >"$tmp/sumc" 2>&1 ||
        { cat "$tmp/sumc"; fail "replay with --compat-l7filter"; }
    grep -q '^514 packets' "$tmp/sumc" || { cat "$tmp/sumc"; fail "compat totals"; }
    grep -q 'Block Facebook for employees' "$tmp/sum" || fail "no print stats table"
    grep -q 'streaming-limit' "$tmp/sum" || fail "no queue line"
    # -w: exactly the dropped packets, as a pcap.
    "$bin" -c "$pol" -r "$cap" --tz UTC --json -q -w "$tmp/drop.pcap" >"$tmp/j" ||
        fail "-w run"
    dropped=$(sed -n 's/.*"event_type":"summary".*"dropped_packets":\([0-9]*\).*/\1/p' "$tmp/j")
    "$bin" -c "$pol" -r "$tmp/drop.pcap" --tz UTC --json -q >"$tmp/j2" ||
        fail "replaying the -w file"
    grep -q "\"event_type\":\"summary\",\"packets\":$dropped," "$tmp/j2" ||
        fail "-w file does not hold the $dropped dropped packets"
    # Every connection: accepted + dropped == packets.
    awk -F'"packets":' '/"event_type":"connection"/ {
        split($2, a, ","); p = a[1]
        match($0, /"accepted_packets":[0-9]+/); acc = substr($0, RSTART + 19, RLENGTH - 19)
        match($0, /"dropped_packets":[0-9]+/); dr = substr($0, RSTART + 18, RLENGTH - 18)
        if (acc + dr != p) { print "bad sum: " $0; bad = 1 } } END { exit bad }' "$tmp/j" ||
        fail "accepted + dropped != packets"
    "$bin" -c "$tmp/bad.rsc" -r "$cap" 2>/dev/null; [ $? -eq 1 ] || fail "bad policy: want 1"
    "$bin" -c "$pol" -r "$cap" --tz Nowhere/Bogus 2>/dev/null; [ $? -eq 1 ] ||
        fail "unknown zone: want 1"
fi
"$bin" -c "$pol" -r "$tmp/none.pcap" 2>/dev/null; [ $? -eq 1 ] || fail "no capture: want 1"
printf 'not a capture' >"$tmp/junk.pcap"
"$bin" -c "$pol" -r "$tmp/junk.pcap" 2>/dev/null; [ $? -eq 1 ] || fail "junk capture: want 1"
"$bin" -c "$pol" 2>/dev/null; [ $? -eq 2 ] || fail "no -r/-i: want 2"
"$bin" -c "$pol" -r x -i y 2>/dev/null; [ $? -eq 2 ] || fail "-r and -i: want 2"
"$bin" -c "$pol" -r x --l7-collect=sometimes 2>/dev/null; [ $? -eq 2 ] ||
    fail "bad --l7-collect: want 2"

# Signals on a capture read from a FIFO, so the run waits for us.
if [ -f "$cap" ] && command -v mkfifo >/dev/null; then
    mkfifo "$tmp/fifo"
    cp "$pol" "$tmp/live.rsc"
    "$bin" -c "$tmp/live.rsc" -r "$tmp/fifo" --tz UTC >"$tmp/sig.out" 2>"$tmp/sig.err" &
    pid=$!
    exec 3>"$tmp/fifo"
    # Feed the capture one packet at a time around the signals: the host
    # looks at them between packets.
    off=24
    next_packet() {
        caplen=$(od -An -tu4 -j $((off + 8)) -N 4 "$cap" | tr -d ' ')
        tail -c +$((off + 1)) "$cap" | head -c $((16 + caplen)) >&3
        off=$((off + 16 + caplen))
    }
    head -c 24 "$cap" >&3
    # The policy is loaded once its (expected) extension warning is out.
    i=0
    while ! grep -q 'warning' "$tmp/sig.err" && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    echo "/ip firewall filter add chain=forward action=frobnicate" >>"$tmp/live.rsc"
    kill -HUP "$pid"
    sleep 0.2
    next_packet
    sleep 0.2
    cp "$pol" "$tmp/live.rsc"
    kill -HUP "$pid"
    sleep 0.2
    next_packet
    sleep 0.2
    kill -USR1 "$pid"
    sleep 0.2
    next_packet
    sleep 0.2
    tail -c +$((off + 1)) "$cap" >&3
    exec 3>&-
    wait "$pid" || { cat "$tmp/sig.err"; fail "signal run exit"; }
    grep -q 'reload failed' "$tmp/sig.err" || { cat "$tmp/sig.err"; fail "bad reload not logged"; }
    grep -q 'reloaded' "$tmp/sig.err" || { cat "$tmp/sig.err"; fail "good reload not logged"; }
    grep -q '^2 packets' "$tmp/sig.err" || { cat "$tmp/sig.err"; fail "SIGUSR1 summary"; }
    grep -q '^514 packets' "$tmp/sig.out" || fail "summary after reloads"
fi
echo "l7-pcap: ok"
