# Complete layer-7 content filtering for office environment
# 1. Define layer-7 protocols
/ip firewall layer7-protocol add name=facebook regexp="^.*(facebook|fbcdn).*$"
/ip firewall layer7-protocol add name=youtube regexp="^.*(youtube|googlevideo).*$"
/ip firewall layer7-protocol add name=netflix regexp="^.*(netflix|nflxvideo).*$"
/ip firewall layer7-protocol add name=bittorrent regexp="^(\\x13BitTorrent protocol|\\x42\\x54:)"
/ip firewall layer7-protocol add name=steam regexp="^.*(steam|steamcontent).*$"
/ip firewall layer7-protocol add name=teamviewer regexp="^.*(teamviewer|dyngate).*$"

# 2. Create user groups
/ip firewall address-list add list=MANAGEMENT address=192.168.1.10-192.168.1.20
/ip firewall address-list add list=EMPLOYEES address=192.168.1.100-192.168.1.200
/ip firewall address-list add list=CONTRACTORS address=192.168.2.0/24

# 3. Mark connections for each protocol
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=facebook new-connection-mark=facebook-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=youtube new-connection-mark=youtube-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=netflix new-connection-mark=netflix-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=bittorrent new-connection-mark=p2p-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=steam new-connection-mark=gaming-conn passthrough=yes

# 4. Management access - allow everything
/ip firewall filter add chain=forward action=accept src-address-list=MANAGEMENT comment="Full access for management"

# 5. Employee restrictions during work hours
/ip firewall filter add chain=forward action=drop src-address-list=EMPLOYEES connection-mark=facebook-conn time=8h-17h,mon,tue,wed,thu,fri comment="Block Facebook for employees"
/ip firewall filter add chain=forward action=drop src-address-list=EMPLOYEES connection-mark=youtube-conn time=8h-17h,mon,tue,wed,thu,fri comment="Block YouTube for employees"
/ip firewall filter add chain=forward action=drop src-address-list=EMPLOYEES connection-mark=gaming-conn time=8h-17h,mon,tue,wed,thu,fri comment="Block gaming for employees"

# 6. Contractor restrictions - more limited access
/ip firewall filter add chain=forward action=drop src-address-list=CONTRACTORS connection-mark=facebook-conn comment="Block social media for contractors"
/ip firewall filter add chain=forward action=drop src-address-list=CONTRACTORS connection-mark=netflix-conn comment="Block streaming for contractors"
/ip firewall filter add chain=forward action=drop src-address-list=CONTRACTORS connection-mark=p2p-conn comment="Block P2P for contractors"
/ip firewall filter add chain=forward action=drop src-address-list=CONTRACTORS connection-mark=gaming-conn comment="Block gaming for contractors"

# 7. Global P2P blocking
/ip firewall filter add chain=forward action=drop connection-mark=p2p-conn comment="Block P2P globally"

# 8. Bandwidth limiting for streaming (when allowed)
/ip firewall mangle add chain=prerouting action=mark-packet connection-mark=youtube-conn new-packet-mark=youtube-traffic passthrough=no
/ip firewall mangle add chain=prerouting action=mark-packet connection-mark=netflix-conn new-packet-mark=netflix-traffic passthrough=no
/queue tree add name=streaming-limit parent=global packet-mark=youtube-traffic,netflix-traffic max-limit=5M comment="Limit streaming bandwidth"

# 9. Monitoring and logging
/ip firewall filter add chain=forward action=log log-prefix="BLOCKED-APP: " connection-mark=facebook-conn,youtube-conn src-address-list=EMPLOYEES time=8h-17h,mon,tue,wed,thu,fri
/system logging add topics=firewall,info action=memory
