// Package d2client is Kea's D2ClientMgr for the DHCP servers: the
// dhcp-ddns configuration in force and its NameChangeRequest sender.
package d2client

import (
	"sync/atomic"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/ddns/ncr"
	"github.com/nestordhcp/nestor/klog"
	"github.com/nestordhcp/nestor/klog/keamsg"
)

// Manager holds the dhcp-ddns configuration and the NCR sender (none when
// enable-updates is false). The zero value has no configuration.
type Manager struct {
	cur atomic.Pointer[client]
}

type client struct {
	cfg    config.DhcpDdns
	sender *ncr.Sender
}

// Configure starts, keeps or replaces the NCR sender for dd (Kea's
// setD2ClientConfig and startSender): a changed configuration, or updates
// suspended after an error, gets a new sender. Messages go to log;
// sendFailed is the server's DHCPn_DDNS_REQUEST_SEND_FAILED.
func (m *Manager) Configure(dd config.DhcpDdns, log *klog.Logger, sendFailed *klog.Message) error {
	dd.UserContext = nil
	old := m.cur.Load()
	if old != nil && old.cfg == dd && (old.sender == nil || !old.sender.Suspended()) {
		return nil
	}
	m.Stop(log)
	c := &client{cfg: dd}
	if dd.EnableUpdates {
		snd, err := ncr.Start(ncr.Config{ServerIP: dd.ServerIP, ServerPort: dd.ServerPort,
			SenderIP: dd.SenderIP, SenderPort: dd.SenderPort, MaxQueueSize: dd.MaxQueueSize},
			ncr.Handlers{
				OnSent: func(r *ncr.Request) {
					if log.DebugEnabled(klog.DbgTraceBasicData) {
						log.Debug(klog.DbgTraceBasicData, keamsg.DHCPSRV_DHCP_DDNS_NCR_SENT, r.String())
					}
				},
				OnError: func(err error, r *ncr.Request) {
					log.Error(keamsg.DHCPSRV_DHCP_DDNS_NCR_REJECTED, err.Error(), r.String())
					log.Error(sendFailed, err.Error(), r.String())
					log.Warn(keamsg.DHCPSRV_DHCP_DDNS_SUSPEND_UPDATES)
				},
			})
		if err != nil {
			return err
		}
		c.sender = snd
		log.Info(keamsg.DHCPSRV_DHCP_DDNS_SENDER_STARTED, snd.String())
	}
	m.cur.Store(c)
	return nil
}

// Stop stops the NCR sender, if any.
func (m *Manager) Stop(log *klog.Logger) {
	if old := m.cur.Swap(nil); old != nil && old.sender != nil {
		old.sender.Stop()
		log.Info(keamsg.DHCPSRV_DHCP_DDNS_SENDER_STOPPED)
	}
}

// Sender is the NCR sender in force (nil: updates are off). It may be
// suspended (ncr.Sender.Suspended).
func (m *Manager) Sender() *ncr.Sender {
	if c := m.cur.Load(); c != nil {
		return c.sender
	}
	return nil
}

// Enabled is Kea's D2ClientMgr::ddnsEnabled: enable-updates is true and
// updates were not suspended.
func (m *Manager) Enabled() bool {
	snd := m.Sender()
	return snd != nil && !snd.Suspended()
}
