package server6

import (
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/stats"
)

// pktStats are the handles of Kea's global pkt6-* statistics.
type pktStats struct {
	received, parseFailed, receiveDrop, sent *stats.Counter
	// byType counts received messages by type; index 0 is
	// pkt6-unknown-received.
	byType                                       [22]*stats.Counter
	advertiseSent, replySent, dhcpv4ResponseSent *stats.Counter
}

// recvNames are the pkt6-NAME-received statistics Kea 2.2 creates at
// startup, by message type; lazyRecvNames those it creates when the first
// such message arrives. Any other type (relay messages whose header is too
// short to unwrap included) counts as unknown.
var recvNames = [22]string{"unknown", "solicit", "advertise", "request", "", "renew", "rebind", "reply", "release", "decline", "", "infrequest", "", "",
	20: "dhcpv4-query", 21: "dhcpv4-response"}

var lazyRecvNames = [22]string{4: "confirm", 10: "reconfigure"}

func newPktStats(r *stats.Registry) *pktStats {
	s := &pktStats{
		received:      r.Counter("pkt6-received"),
		parseFailed:   r.Counter("pkt6-parse-failed"),
		receiveDrop:   r.Counter("pkt6-receive-drop"),
		sent:          r.Counter("pkt6-sent"),
		advertiseSent: r.Counter("pkt6-advertise-sent"),
		replySent:     r.Counter("pkt6-reply-sent"),

		dhcpv4ResponseSent: r.Counter("pkt6-dhcpv4-response-sent"),
	}
	for i, n := range recvNames {
		if n != "" {
			s.byType[i] = r.Counter("pkt6-" + n + "-received")
		} else if n = lazyRecvNames[i]; n != "" {
			s.byType[i] = r.LazyCounter("pkt6-" + n + "-received")
		}
	}
	return s
}

func (s *pktStats) countReceived(t dhcp6.MessageType) {
	if int(t) < len(s.byType) && s.byType[t] != nil {
		s.byType[t].Inc()
		return
	}
	s.byType[0].Inc()
}

func (s *pktStats) countSent(t dhcp6.MessageType) {
	s.sent.Inc()
	switch t {
	case dhcp6.MsgAdvertise:
		s.advertiseSent.Inc()
	case dhcp6.MsgReply:
		s.replySent.Inc()
	case dhcp6.MsgDHCPv4Response:
		s.dhcpv4ResponseSent.Inc()
	}
}
