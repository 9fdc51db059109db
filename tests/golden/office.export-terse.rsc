# libl7 0.1.0 export (RouterOS script, compact form)
/ip firewall layer7-protocol add name=facebook \
    regexp="^.*(facebook|fbcdn).*\$"
/ip firewall layer7-protocol add name=youtube \
    regexp="^.*(youtube|googlevideo).*\$"
/ip firewall layer7-protocol add name=netflix \
    regexp="^.*(netflix|nflxvideo).*\$"
/ip firewall layer7-protocol add name=bittorrent \
    regexp="^(\\x13BitTorrent protocol|\\x42\\x54:)"
/ip firewall layer7-protocol add name=steam \
    regexp="^.*(steam|steamcontent).*\$"
/ip firewall layer7-protocol add name=teamviewer \
    regexp="^.*(teamviewer|dyngate).*\$"
/ip firewall address-list add address=192.168.1.10-192.168.1.20 \
    list=MANAGEMENT
/ip firewall address-list add address=192.168.1.100-192.168.1.200 \
    list=EMPLOYEES
/ip firewall address-list add address=192.168.2.0/24 list=CONTRACTORS
/ip firewall filter add action=accept chain=forward \
    comment="Full access for management" src-address-list=MANAGEMENT
/ip firewall filter add action=drop chain=forward \
    comment="Block Facebook for employees" connection-mark=facebook-conn \
    src-address-list=EMPLOYEES time=8h-17h,mon,tue,wed,thu,fri
/ip firewall filter add action=drop chain=forward \
    comment="Block YouTube for employees" connection-mark=youtube-conn \
    src-address-list=EMPLOYEES time=8h-17h,mon,tue,wed,thu,fri
/ip firewall filter add action=drop chain=forward \
    comment="Block gaming for employees" connection-mark=gaming-conn \
    src-address-list=EMPLOYEES time=8h-17h,mon,tue,wed,thu,fri
/ip firewall filter add action=drop chain=forward \
    comment="Block social media for contractors" connection-mark=facebook-conn \
    src-address-list=CONTRACTORS
/ip firewall filter add action=drop chain=forward \
    comment="Block streaming for contractors" connection-mark=netflix-conn \
    src-address-list=CONTRACTORS
/ip firewall filter add action=drop chain=forward \
    comment="Block P2P for contractors" connection-mark=p2p-conn \
    src-address-list=CONTRACTORS
/ip firewall filter add action=drop chain=forward \
    comment="Block gaming for contractors" connection-mark=gaming-conn \
    src-address-list=CONTRACTORS
/ip firewall filter add action=drop chain=forward comment="Block P2P globally" \
    connection-mark=p2p-conn
# libl7 extension: a list in connection-mark (Decision 9)
/ip firewall filter add action=log chain=forward \
    connection-mark=facebook-conn,youtube-conn log-prefix="BLOCKED-APP: " \
    src-address-list=EMPLOYEES time=8h-17h,mon,tue,wed,thu,fri
/ip firewall mangle add action=mark-connection chain=prerouting \
    layer7-protocol=facebook new-connection-mark=facebook-conn
/ip firewall mangle add action=mark-connection chain=prerouting \
    layer7-protocol=youtube new-connection-mark=youtube-conn
/ip firewall mangle add action=mark-connection chain=prerouting \
    layer7-protocol=netflix new-connection-mark=netflix-conn
/ip firewall mangle add action=mark-connection chain=prerouting \
    layer7-protocol=bittorrent new-connection-mark=p2p-conn
/ip firewall mangle add action=mark-connection chain=prerouting \
    layer7-protocol=steam new-connection-mark=gaming-conn
/ip firewall mangle add action=mark-packet chain=prerouting \
    connection-mark=youtube-conn new-packet-mark=youtube-traffic \
    passthrough=no
/ip firewall mangle add action=mark-packet chain=prerouting \
    connection-mark=netflix-conn new-packet-mark=netflix-traffic \
    passthrough=no
/queue tree add comment="Limit streaming bandwidth" max-limit=5M \
    name=streaming-limit packet-mark=youtube-traffic,netflix-traffic \
    parent=global
/system logging add action=memory topics=firewall,info
