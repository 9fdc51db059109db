# IPv6 (Decision 15): /ipv6 rules see IPv6 only and accept layer7-protocol
# (a libl7 extension); /ip rules never see an IPv6 packet; protocols are
# shared. IPv6 address lists take prefixes, not ranges.
/ip firewall layer7-protocol add name=facebook regexp="^.*(facebook|fbcdn).*$"
/ip firewall layer7-protocol add name=youtube regexp="^.*(youtube|googlevideo).*$"
/ip firewall layer7-protocol add name=netflix regexp="^.*(netflix|nflxvideo).*$"
/ip firewall layer7-protocol add name=bittorrent regexp="^(\\x13BitTorrent protocol|\\x42\\x54:)"
/ipv6 firewall address-list add list=EMPLOYEES address=2001:db8:1::100/120
/ipv6 firewall address-list add list=CONTRACTORS address=2001:db8:2::/64
/ipv6 firewall mangle add chain=prerouting action=mark-connection layer7-protocol=facebook new-connection-mark=facebook-conn passthrough=yes
/ipv6 firewall mangle add chain=prerouting action=mark-connection layer7-protocol=youtube new-connection-mark=youtube-conn passthrough=yes
/ipv6 firewall mangle add chain=prerouting action=mark-connection layer7-protocol=netflix new-connection-mark=netflix-conn passthrough=yes
/ipv6 firewall mangle add chain=prerouting action=mark-connection layer7-protocol=bittorrent new-connection-mark=p2p-conn passthrough=yes
/ipv6 firewall filter add chain=forward action=drop src-address-list=EMPLOYEES connection-mark=facebook-conn comment="Block Facebook for employees"
/ipv6 firewall filter add chain=forward action=drop src-address-list=CONTRACTORS connection-mark=netflix-conn comment="Block streaming for contractors"
/ipv6 firewall filter add chain=forward action=drop connection-mark=p2p-conn comment="Block P2P globally"
/ip firewall filter add chain=forward action=drop comment="IPv4 only: never sees an IPv6 packet"
