# Log events in time order with the rest: the seed's BLOCKED-APP log rule
# placed before the drop it reports (in office.rsc it comes after the drops
# and never sees a packet), and log=yes on the drop rule itself.
/ip firewall layer7-protocol add name=facebook regexp="^.*(facebook|fbcdn).*$"
/ip firewall address-list add list=EMPLOYEES address=192.168.1.100-192.168.1.200
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=facebook new-connection-mark=facebook-conn passthrough=yes
/ip firewall filter add chain=forward action=log log-prefix="BLOCKED-APP: " connection-mark=facebook-conn src-address-list=EMPLOYEES time=8h-17h,mon,tue,wed,thu,fri protocol=tcp dst-port=80
/ip firewall filter add chain=forward action=drop src-address-list=EMPLOYEES connection-mark=facebook-conn protocol=tcp dst-port=80 time=8h-17h,mon,tue,wed,thu,fri log=yes log-prefix="DROP" comment="Block Facebook for employees"
