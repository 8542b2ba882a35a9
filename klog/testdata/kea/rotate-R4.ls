166627 kea.log
204954 kea.log.1
0 kea.log.lock
