# Malformed frames are dropped and counted invalid without touching any
# connection; IPv4 fragments are reassembled before inspection; a datagram
# that never completes is dropped when reassembly gives up.
/ip firewall layer7-protocol add name=facebook regexp="^.*(facebook|fbcdn).*$"
/ip firewall layer7-protocol add name=youtube regexp="^.*(youtube|googlevideo).*$"
/ip firewall layer7-protocol add name=netflix regexp="^.*(netflix|nflxvideo).*$"
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=facebook new-connection-mark=facebook-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=youtube new-connection-mark=youtube-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=netflix new-connection-mark=netflix-conn passthrough=yes
/ip firewall filter add chain=forward action=drop connection-mark=netflix-conn comment="Block streaming"
