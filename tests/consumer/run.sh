#!/bin/sh
# Install the build into a staging prefix, then build tests/consumer/main.c
# against it twice (pkg-config, find_package) and run the programs.
set -eu
build=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
stage="$work/stage"
cmake --install "$build" --prefix "$stage" >"$work/install.log"
libdir=$(dirname "$(find "$stage" -name libl7.pc | head -n 1)")/..
libdir=$(cd "$libdir" && pwd)
extra=""
if grep -q '^L7_SANITIZE:BOOL=ON' "$build/CMakeCache.txt"; then
  extra="-fsanitize=address,undefined"
fi

echo "== pkg-config"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pkg-config --exists libl7
[ "$(pkg-config --modversion libl7)" = "0.1.0" ]
pkg-config --print-requires-private libl7 | grep -q '^libpcre2-8'
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror $extra -o "$work/consumer_pc" "$here/main.c" \
   $(pkg-config --cflags --libs libl7) -Wl,-rpath,"$libdir"
"$work/consumer_pc"
readelf -d "$work/consumer_pc" | grep -q 'libl7.so.0'

echo "== find_package(l7)"
cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$stage" \
  -DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" \
  -DCMAKE_BUILD_RPATH="$libdir" >"$work/cmake.log"
cmake --build "$work/cmake" >"$work/build.log"
"$work/cmake/consumer_shared"
"$work/cmake/consumer_static"
if readelf -d "$work/cmake/consumer_static" | grep -q 'libl7.so'; then
  echo "FAIL: static consumer links libl7.so"; exit 1
fi
echo "consumer: ok"
