#!/bin/sh
# Minimal, side-effect-free hook for dhclient (-sf), udhcpc (-s) and dhcpcd (-c).
# Logs the environment the client hands over and (for dhclient/udhcpc, v4 only)
# installs the address on the interface inside the client namespace.
# Never touches /etc/resolv.conf or routes outside the namespace.
LOG=${HOOK_LOG:-/tmp/nestor-test/run/client-hook.log}
{
  echo "=== $(date +%T.%N) $0 argv='$*' reason=${reason:-} iface=${interface:-}"
  env | grep -E '^(new_|old_|cur_|ip=|subnet=|router=|dns=|domain=|lease=|serverid=|mask=|ntpsrv=|staticroutes=|ipv6|reason|interface|requested_|protocol|ifcarrier|ifssid)' | sort
} >>"$LOG" 2>&1
# dhcpcd (sets $protocol) configures addresses itself: only log.
[ -n "${protocol:-}" ] && exit 0
case "$1" in   # udhcpc: $1 is the event
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip addr add "$ip/${mask:-24}" dev "$interface"
    exit 0 ;;
  deconfig) ip -4 addr flush dev "$interface"; exit 0 ;;
esac
case "$reason" in  # dhclient
  PREINIT) ip link set dev "$interface" up ;;
  BOUND|RENEW|REBIND|REBOOT)
    if [ -n "$new_ip_address" ]; then
      ip -4 addr flush dev "$interface"
      ip addr add "$new_ip_address/${new_subnet_mask:-255.255.255.0}" dev "$interface" 2>/dev/null ||
      ip addr add "$new_ip_address/24" dev "$interface"
    fi ;;
  BOUND6|RENEW6|REBIND6|REBOOT6)
    [ -n "$new_ip6_address" ] && ip -6 addr add "$new_ip6_address/${new_ip6_prefixlen:-128}" dev "$interface" nodad 2>/dev/null ;;
  EXPIRE|FAIL|RELEASE|STOP) ip -4 addr flush dev "$interface" 2>/dev/null ;;
esac
exit 0
