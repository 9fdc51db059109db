# Two time ranges in one rule (Decision 8, the seed's form): a union, with
# the day list applying to both; start inclusive, end exclusive. Outside the
# window the layer7 matcher is never evaluated (Decision 10), so those
# connections are never inspected (layer7 null).
/ip firewall layer7-protocol add name=youtube regexp="^.*(youtube|googlevideo).*$"
/ip firewall filter add chain=forward action=drop layer7-protocol=youtube time=9h-12h,14h-17h,mon,tue,wed,thu,fri comment="Block streaming during peak hours"
