# The layer-7 window: 10 packets of both directions (handshake included)
# and 2048 payload bytes after NUL stripping (Decision 1), both directions
# concatenated. Mangle rules see every packet, so every packet is collected.
/ip firewall layer7-protocol add name=youtube regexp="^.*(youtube|googlevideo).*$"
/ip firewall layer7-protocol add name=netflix regexp="^.*(netflix|nflxvideo).*$"
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=youtube new-connection-mark=youtube-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=netflix new-connection-mark=netflix-conn passthrough=yes
