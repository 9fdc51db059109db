# Mark once, use many (routeros-spec 1.7): the connection is classified by
# packet 4; every later packet of both directions matches the mark rules
# although none holds the pattern.
/ip firewall layer7-protocol add name=youtube regexp="^.*(youtube|googlevideo).*$"
/ip firewall mangle add chain=prerouting action=mark-connection layer7-protocol=youtube new-connection-mark=youtube-conn passthrough=yes
/ip firewall mangle add chain=prerouting action=mark-packet connection-mark=youtube-conn new-packet-mark=youtube-traffic passthrough=no
/ip firewall filter add chain=forward action=passthrough packet-mark=youtube-traffic comment="Count marked packets"
/ip firewall filter add chain=forward action=passthrough packet-mark=no-mark comment="Count unmarked packets"
