#!/bin/bash
# sysrun.sh NAME CONFIG [env...]: capture kea-dhcp4 syslog datagrams in a private mount ns
n=$1; cfg=$2; shift 2
sock=/tmp/klogx/sock-$n; rm -f $sock
python3 /tmp/klogx/recv.py $sock 5 /tmp/klogx/syslog$n.txt & rp=$!
for i in $(seq 50); do [ -S $sock ] && break; sleep 0.1; done
env "$@" unshare -m bash -c "touch /dev/log && mount --bind $sock /dev/log && /work/main/klog/testdata/kea/run-kea.sh $cfg 1 > /tmp/klogx/$n.stdout 2>&1; umount /dev/log; rm -f /dev/log"
wait $rp
