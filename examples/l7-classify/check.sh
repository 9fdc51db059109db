#!/bin/sh
# The main job's output: each built-in connection gets the protocol
# RouterOS's matcher would give it, in page order.
set -eu
out=$("$1")
echo "$out"
expect() {
  echo "$out" | grep -Eq "$1" || { echo "FAIL: no line matching: $1"; exit 1; }
}
expect '^1 +HTTP GET www.facebook.com +5 +http-web +4 +facebook$'
expect '^2 +TLS ClientHello, SNI www.netflix.com +5 +netflix +4 +netflix-streaming$'
expect '^3 .*googlevideo.com +4 +youtube +4 +youtube-video$'
expect '^4 +BitTorrent handshake +5 +bittorrent +4 +-$'
expect '^5 +SIP INVITE over UDP +1 +sip-voip +1 '
expect '^6 +TeamSpeak 3 over UDP +1 +teamspeak +1 '
expect '^7 .*MYAPP banner +4 +proprietary-protocol +4 '
expect '^8 .*only in the reply +5 +spotify +5 '
expect '^9 +random bytes, 12 packets +12 +unknown +11 +-$'
expect 'classified 8, unknown 1$'
echo "l7-classify: ok"
