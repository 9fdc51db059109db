#!/bin/sh
# Set up a fresh machine, build libl7 and run the main job.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build >/dev/null
cmake --build build -j "$(nproc)"
exec ./build/examples/l7-classify/l7-classify
