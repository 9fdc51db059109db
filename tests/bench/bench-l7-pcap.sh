#!/bin/sh
# l7-pcap throughput beside nDPI's ndpiReader, in one run, on the same files:
#   1. the Ethernet captures of ../shared/corpus/ndpi merged into one pcap
#      (mergecap -F pcap: mixed link types cannot be merged);
#   2. a generated capture of many short HTTP flows (8 packets each, the
#      seed's host names).
# Wall time of the whole command (start-up, policy compile and summary
# included), runs interleaved, median of RUNS. Prints both medians and the
# ratio l7-pcap / ndpiReader (below 1: l7-pcap is faster).
#
# Needs (not CI dependencies):
#   apt-get install libndpi-bin wireshark-common python3
#   (ndpiReader; mergecap and capinfos)
#
#   tests/bench/bench-l7-pcap.sh [BUILD_DIR] [RUNS] [FLOWS]
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$src/build}
runs=${2:-5}
flows=${3:-50000}
bin=$build/examples/l7-pcap/l7-pcap
shared=${L7_SHARED_DIR:-$src/../shared}
for tool in ndpiReader mergecap capinfos python3; do
    command -v $tool >/dev/null || {
        echo "bench-l7-pcap: $tool missing (apt-get install libndpi-bin wireshark-common python3)"
        exit 1
    }
done
[ -x "$bin" ] || { echo "bench-l7-pcap: build l7-pcap first ($bin)"; exit 1; }
tmp=${TMPDIR:-/tmp}/bench-l7-pcap.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"

# 1. merged nDPI corpus (Ethernet only)
caps=
pdir=$shared/corpus/ndpi/tests/cfgs/default/pcap
if [ -d "$pdir" ]; then
    capinfos -T -E -r "$pdir"/* 2>/dev/null | awk -F'\t' '$2 == "ether" { print $1 }' \
        >"$tmp/ether.list"
    n=$(wc -l <"$tmp/ether.list")
    tr '\n' '\0' <"$tmp/ether.list" | xargs -0 mergecap -F pcap -w "$tmp/ndpi-ether.pcap"
    caps="$tmp/ndpi-ether.pcap"
    echo "ndpi-ether.pcap: $n Ethernet captures of $pdir merged"
else
    echo "no corpus at $shared/corpus: skipping the merged capture"
fi

# 2. many short flows
python3 - "$tmp/short-flows.pcap" "$flows" <<'PY'
import struct, sys
out, flows = sys.argv[1], int(sys.argv[2])
hosts = [b"www.facebook.com", b"www.youtube.com", b"www.netflix.com",
         b"store.steampowered.com", b"www.example.org", b"cdn.example.net",
         b"static.xx.fbcdn.net", b"master7.teamviewer.com"]
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
def frame(src, dst, sp, dp, seq, ack, flags, payload):
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x02\x00\x5e\x10\x00\x01\x02\x42\xc0\xa8\x01\x01\x08\x00" + ip + tcp
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    t = 1764064800 * 10**9  # 2026-11-25 10:00:00Z
    for i in range(flows):
        c = bytes([10, (i >> 16) & 255, (i >> 8) & 255, i & 255 or 1])
        s = bytes([203, 0, 113, 10 + i % 50])
        cp, sp = 1024 + i % 60000, 80
        host = hosts[i % len(hosts)]
        req = b"GET /item/%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: bench\r\n\r\n" % (i, host)
        rsp = b"HTTP/1.1 200 OK\r\nContent-Length: 512\r\n\r\n" + b"x" * 512
        a, b = 1000, 5000
        pk = [(c, s, cp, sp, a, 0, 0x02, b""), (s, c, sp, cp, b, a + 1, 0x12, b""),
              (c, s, cp, sp, a + 1, b + 1, 0x10, b""), (c, s, cp, sp, a + 1, b + 1, 0x18, req),
              (s, c, sp, cp, b + 1, a + 1 + len(req), 0x18, rsp),
              (c, s, cp, sp, a + 1 + len(req), b + 1 + len(rsp), 0x11, b""),
              (s, c, sp, cp, b + 1 + len(rsp), a + 2 + len(req), 0x11, b""),
              (c, s, cp, sp, a + 2 + len(req), b + 2 + len(rsp), 0x10, b"")]
        for k, p in enumerate(pk):
            fr = frame(*p)
            ts = t + i * 200000 + k * 1000000
            f.write(struct.pack("<IIII", ts // 10**9, ts % 10**9, len(fr), len(fr)) + fr)
PY
caps="$caps $tmp/short-flows.pcap"
echo "short-flows.pcap: $flows flows of 8 packets"

now() { date +%s%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for cap in $caps; do
    name=$(basename "$cap")
    pkts=$(capinfos -T -c -r "$cap" | awk -F'\t' '{ print $2 }')
    size=$(wc -c <"$cap")
    : >"$tmp/l7.t"
    : >"$tmp/ndpi.t"
    r=0
    while [ "$r" -lt "$runs" ]; do
        t0=$(now)
        "$bin" -c "$src/examples/office.rsc" -r "$cap" --tz UTC -q >/dev/null 2>&1
        t1=$(now)
        ndpiReader -q -i "$cap" >/dev/null 2>&1
        t2=$(now)
        echo $(((t1 - t0) / 1000)) >>"$tmp/l7.t"
        echo $(((t2 - t1) / 1000)) >>"$tmp/ndpi.t"
        r=$((r + 1))
    done
    l7=$(median <"$tmp/l7.t")
    nd=$(median <"$tmp/ndpi.t")
    awk -v n="$name" -v p="$pkts" -v s="$size" -v a="$l7" -v b="$nd" -v r="$runs" 'BEGIN {
        printf "%-20s %9d packets %7.1f MB  median of %d: l7-pcap %8.1f ms (%6.2f Mpps)  ndpiReader %8.1f ms (%6.2f Mpps)  ratio %.2f\n",
            n, p, s / 1e6, r, a / 1e3, p / a, b / 1e3, p / b, a / b }'
done
