#!/bin/sh
# The whole test suite: install what is missing, build with -Werror, run
# every test (unit suites, header/symbol/purity checks, docs, consumer).
# L7_SANITIZE=ON builds and runs it all under ASan+UBSan in build-asan/.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
san=${L7_SANITIZE:-OFF}
if [ "$san" = ON ]; then build=build-asan; else build=build; fi
cmake -S . -B "$build" -DL7_WERROR=ON -DL7_SANITIZE="$san" >/dev/null
cmake --build "$build" -j "$(nproc)"
cd "$build"
if [ "$san" = ON ]; then export CK_FORK=no; fi
ctest --output-on-failure -j "$(nproc)"
