# time=18h-8h wraps midnight (Decision 7): the day list is checked against
# the day on which the window opened, so wed,fri covers Wed 18:00 to Thu
# 08:00 and Fri 18:00 to Sat 08:00. `time` runs before `layer7` (Decision
# 10), so outside the window only the drop rule collects payload.
/ip firewall layer7-protocol add name=steam regexp="^.*(steam|steamcontent).*$"
/ip firewall filter add chain=forward action=accept layer7-protocol=steam time=18h-8h,wed,fri comment="Allow gaming after work hours"
/ip firewall filter add chain=forward action=drop layer7-protocol=steam comment="Block gaming otherwise"
