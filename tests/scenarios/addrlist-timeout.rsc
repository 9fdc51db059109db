# The seed's "Track P2P users" and "Limit web access for P2P users": a
# dynamic address-list entry with a 1h timeout, refreshed by every packet
# that matches (Decision 11), in packet time.
/ip firewall layer7-protocol add name=bittorrent regexp="^(\\x13BitTorrent protocol|\\x42\\x54:)"
/ip firewall filter add chain=forward action=add-src-to-address-list layer7-protocol=bittorrent address-list=p2p-users address-list-timeout=1h comment="Track P2P users"
/ip firewall filter add chain=forward action=drop src-address-list=p2p-users dst-port=80,443 protocol=tcp comment="Limit web access for P2P users"
