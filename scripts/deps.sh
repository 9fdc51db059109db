#!/bin/sh
# Install the Debian packages libl7's build, tests and hosts need, when any
# is missing. Safe to run again; does nothing when all are present.
set -eu
pkgs="build-essential cmake pkg-config libpcre2-dev check libsubunit-dev doxygen
      g++ libpcap-dev python3 python3-cffi python3-pytest"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing
