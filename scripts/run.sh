#!/bin/sh
# Set up a fresh machine, build libl7 and run the main job.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)"
# The main job: the seed's complete office setup over a capture of a
# working-day morning and a Saturday afternoon (tests/scenarios/README.md).
exec ./build/examples/l7-pcap/l7-pcap -c examples/office.rsc \
    -r examples/data/office.pcap --tz UTC
