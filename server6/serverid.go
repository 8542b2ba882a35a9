package server6

import (
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/nestordhcp/nestor/config"
	"github.com/nestordhcp/nestor/dhcp6"
	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/memfile"
	"github.com/nestordhcp/nestor/netio"
)

// duidFileName is the file in the data directory where Kea keeps the
// server's DUID.
const duidFileName = "kea-dhcp6-serverid"

// dataDir is data-directory, else KEA_DHCP_DATA_DIR, else Debian's default.
func dataDir(cfg *config.Dhcp6) string {
	if cfg.DataDirectory.V != "" {
		return cfg.DataDirectory.V
	}
	if d := os.Getenv("KEA_DHCP_DATA_DIR"); d != "" {
		return d
	}
	return memfile.DefaultDataDir
}

// serverDUID returns the server DUID for cfg (Kea's CfgDUID::create): a
// DUID stored by an earlier run is reused unless server-id names another
// type or gives an identifier; otherwise one is made from server-id (LLT
// by default, from the first interface's link-layer address and the
// current time) and stored when persist is true (the default).
func (s *Server) serverDUID(cfg *config.Dhcp6) ([]byte, error) {
	sid := cfg.ServerID
	typ := strings.ToUpper(sid.Type)
	if typ == "" {
		typ = "LLT"
	}
	path := filepath.Join(dataDir(cfg), duidFileName)
	if sid.Identifier == "" {
		if b, err := os.ReadFile(path); err == nil {
			if d, err := lease.ParseHex(strings.TrimSpace(string(b))); err == nil && len(d) >= 2 && dhcp6.DUID(d).Validate() == nil {
				if !sid.Written || sid.Type == "" || duidTypeName(dhcp6.DUID(d).Type()) == typ {
					return d, nil
				}
			}
		}
	}
	id, err := lease.ParseHex(sid.Identifier)
	if err != nil {
		return nil, fmt.Errorf("server-id identifier: %w", err)
	}
	htype := sid.HType
	if htype == 0 {
		htype = 1
	}
	var d []byte
	switch typ {
	case "LLT", "LL":
		if len(id) == 0 {
			id = s.linkAddr()
		}
		if typ == "LL" {
			d = dhcp6.AppendDUIDLL(nil, htype, id)
			break
		}
		t := time.Now()
		if sid.Time != 0 {
			t = dhcp6.DUIDEpoch.Add(time.Duration(sid.Time) * time.Second)
		}
		d = dhcp6.AppendDUIDLLT(nil, htype, t, id)
	case "EN":
		ent := sid.EnterpriseID
		if ent == 0 {
			ent = 2495 // ISC, Kea's default
		}
		if len(id) == 0 {
			id = make([]byte, 6)
			_, _ = rand.Read(id)
		}
		d = dhcp6.AppendDUIDEN(nil, ent, id)
	default:
		return nil, fmt.Errorf("server-id: unsupported DUID type %q", sid.Type)
	}
	persist := !sid.Written || sid.Persist
	if persist {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			if err := os.WriteFile(path, []byte(formatDUID(d)+"\n"), 0o644); err != nil {
				s.slog.Warn("cannot store the server DUID", "msgid", "DHCPSRV_CFG_DUID_WRITE_FAIL", "file", path, "error", err)
			}
		}
	}
	return d, nil
}

func duidTypeName(t dhcp6.DUIDType) string {
	switch t {
	case dhcp6.DUIDLLT:
		return "LLT"
	case dhcp6.DUIDEN:
		return "EN"
	case dhcp6.DUIDLL:
		return "LL"
	}
	return ""
}

// formatDUID is Kea's text form: colon-separated lowercase hex.
func formatDUID(d []byte) string { return dhcp6.DUID(d).String() }

// linkAddr is the link-layer address of the first interface that has one
// (Kea picks a suitable interface), else random bytes.
func (s *Server) linkAddr() []byte {
	if s.opts.DUIDLinkAddr != nil {
		return s.opts.DUIDLinkAddr
	}
	if ifs, err := netio.Detect(); err == nil {
		for _, i := range ifs {
			if i.MAC != (netio.MAC{}) {
				return append([]byte(nil), i.MAC[:]...)
			}
		}
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return b
}
