166627 kea.log
204954 kea.log.1
204896 kea.log.2
0 kea.log.lock
