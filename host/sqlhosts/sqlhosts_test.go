package sqlhosts_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"regexp"
	"testing"

	"github.com/nestordhcp/nestor/host"
	"github.com/nestordhcp/nestor/host/sqlhosts"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
	"github.com/nestordhcp/nestor/lease/sqlcommon/storetest"
)

type backend struct {
	name   string
	typ    string
	native bool // schema with INET / BINARY(16) IPv6 reservations
}

// setup creates a database with Kea's schema at the version and the rows
// Kea's host data source writes for two DHCPv4 and one DHCPv6 host.
func setup(t *testing.T, b backend) *sqlhosts.Store {
	t.Helper()
	name := storetest.TestName()
	var cfg sqlcommon.Config
	var db *sql.DB
	switch b.typ {
	case "postgresql":
		admin, err := pgsql.OpenDB(sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: "postgres"})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CreateDB(t, admin, "PostgreSQL", "CREATE DATABASE "+name, "DROP DATABASE "+name+" WITH (FORCE)")
		cfg = sqlcommon.Config{Host: storetest.PgHost(), User: "postgres", Name: name}
		db, err = pgsql.OpenDB(cfg)
		if err != nil {
			t.Fatal(err)
		}
		v := pgsql.Kea22
		if b.native {
			v = pgsql.Kea26
		}
		if err := pgsql.InitSchema(context.Background(), db, v); err != nil {
			t.Fatal(err)
		}
	default:
		admin, err := mysql.OpenDB(sqlcommon.Config{Host: storetest.MySQLHost(), User: "root"})
		if err != nil {
			t.Fatal(err)
		}
		storetest.CreateDB(t, admin, "MySQL", "CREATE DATABASE "+name, "DROP DATABASE "+name)
		cfg = sqlcommon.Config{Host: storetest.MySQLHost(), User: "root", Name: name}
		db, err = mysql.OpenDB(cfg)
		if err != nil {
			t.Fatal(err)
		}
		v := mysql.Kea22
		if b.native {
			v = mysql.Kea26
		}
		if err := mysql.InitSchema(context.Background(), db, v); err != nil {
			t.Fatal(err)
		}
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if b.typ == "postgresql" {
			n := 0
			q = regexp.MustCompile(`\?`).ReplaceAllStringFunc(q, func(string) string { n++; return fmt.Sprintf("$%d", n) })
		}
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	addr6 := "?"
	switch {
	case b.native && b.typ == "postgresql":
		addr6 = "CAST(? AS INET)"
	case b.native:
		addr6 = "INET6_ATON(?)"
	}
	// Host 1: hw-address in subnet 1 with an address, boot fields, classes
	// and two options.
	exec("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, ipv4_address, hostname, "+
		"dhcp4_client_classes, dhcp4_next_server, dhcp4_server_hostname, dhcp4_boot_file_name) VALUES (?, 0, 1, ?, 'one', 'a,b', ?, 'srv', 'boot.efi')",
		[]byte{2, 0, 0, 0, 0xbb, 1}, int64(198)<<24|51<<16|100<<8|77, int64(198)<<24|51<<16|100<<8|2)
	exec("INSERT INTO dhcp4_options (code, value, formatted_value, space, persistent, host_id, scope_id) VALUES (6, ?, '198.51.100.53', 'dhcp4', false, 1, 3)",
		[]byte{198, 51, 100, 53})
	// Kea may leave value empty and keep only the text.
	exec("INSERT INTO dhcp4_options (code, value, formatted_value, space, persistent, host_id, scope_id) VALUES (15, ?, 'db.example.org', 'dhcp4', true, 1, 3)",
		[]byte{})
	// Host 2: client-id, global (subnet 0), no address.
	exec("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp4_subnet_id, hostname) VALUES (?, 3, 0, 'two')", []byte{1, 2, 0, 0, 0, 0xbb, 2})
	// Host 3: DHCPv6 duid in subnet 1 with an address and a prefix.
	exec("INSERT INTO hosts (dhcp_identifier, dhcp_identifier_type, dhcp6_subnet_id, hostname, dhcp6_client_classes) VALUES (?, 1, 1, 'three', 'c6')",
		[]byte{0, 3, 0, 1, 2, 0, 0, 0, 0xbb, 3})
	exec("INSERT INTO ipv6_reservations (address, prefix_len, type, host_id) VALUES ("+addr6+", 128, 0, 3)", "2001:db8:1::77")
	exec("INSERT INTO ipv6_reservations (address, prefix_len, type, host_id) VALUES ("+addr6+", 56, 2, 3)", "2001:db8:100::")
	exec("INSERT INTO dhcp6_options (code, value, formatted_value, space, persistent, host_id, scope_id) VALUES (23, ?, '2001:db8:1::53', 'dhcp6', false, 3, 3)",
		netip.MustParseAddr("2001:db8:1::53").AsSlice())
	st, err := sqlhosts.Open(b.typ, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestLookups(t *testing.T) {
	for _, b := range []backend{{"pgsql-13.0", "postgresql", false}, {"pgsql-22.0", "postgresql", true},
		{"mysql-14.0", "mysql", false}, {"mysql-22.0", "mysql", true}} {
		t.Run(b.name, func(t *testing.T) {
			st := setup(t, b)
			h := st.Get4(1, host.IdentHWAddr, []byte{2, 0, 0, 0, 0xbb, 1})
			if h == nil {
				t.Fatal("Get4: host 1 not found")
			}
			if h.IPv4 != netip.MustParseAddr("198.51.100.77") || h.Hostname != "one" || fmt.Sprint(h.ClientClasses) != "[a b]" ||
				h.NextServer.V != "198.51.100.2" || h.ServerHostname.V != "srv" || h.BootFileName.V != "boot.efi" {
				t.Errorf("host 1 = %+v", h)
			}
			if len(h.Options) != 2 || h.Options[0].Code.V != 6 || string(h.Options[0].Payload) != string([]byte{198, 51, 100, 53}) ||
				h.Options[1].Code.V != 15 || string(h.Options[1].Payload) != "db.example.org" || !h.Options[1].AlwaysSend {
				t.Errorf("host 1 options: %+v", h.Options)
			}
			if st.Get4(2, host.IdentHWAddr, []byte{2, 0, 0, 0, 0xbb, 1}) != nil {
				t.Error("Get4 found host 1 in subnet 2")
			}
			if st.Get4(1, host.IdentClientID, []byte{2, 0, 0, 0, 0xbb, 1}) != nil {
				t.Error("Get4 found host 1 by the wrong identifier type")
			}
			if g := st.Get4(0, host.IdentClientID, []byte{1, 2, 0, 0, 0, 0xbb, 2}); g == nil || g.Hostname != "two" || g.HasIPv4() {
				t.Errorf("global host 2 = %+v", g)
			}
			if all := st.GetAll4(host.IdentHWAddr, []byte{2, 0, 0, 0, 0xbb, 1}); len(all) != 1 || all[0].Hostname != "one" {
				t.Errorf("GetAll4 = %v", all)
			}
			if by := st.GetByAddress4(1, netip.MustParseAddr("198.51.100.77")); len(by) != 1 || by[0].Hostname != "one" {
				t.Errorf("GetByAddress4 = %v", by)
			}
			if by := st.GetByAddress4(1, netip.MustParseAddr("198.51.100.78")); len(by) != 0 {
				t.Errorf("GetByAddress4 of a free address = %v", by)
			}
			duid := []byte{0, 3, 0, 1, 2, 0, 0, 0, 0xbb, 3}
			h6 := st.Get6(1, host.IdentDUID, duid)
			if h6 == nil {
				t.Fatal("Get6: host 3 not found")
			}
			if fmt.Sprint(h6.Addresses) != "[2001:db8:1::77]" || fmt.Sprint(h6.Prefixes) != "[2001:db8:100::/56]" ||
				h6.Hostname != "three" || fmt.Sprint(h6.ClientClasses) != "[c6]" {
				t.Errorf("host 3 = %+v", h6)
			}
			if len(h6.Options) != 1 || h6.Options[0].Code.V != 23 || len(h6.Options[0].Payload) != 16 {
				t.Errorf("host 3 options = %+v", h6.Options)
			}
			if by := st.GetByAddress6(1, netip.MustParsePrefix("2001:db8:1::77/128")); len(by) != 1 || by[0].Hostname != "three" {
				t.Errorf("GetByAddress6(address) = %v", by)
			}
			if by := st.GetByAddress6(1, netip.MustParsePrefix("2001:db8:100::/56")); len(by) != 1 {
				t.Errorf("GetByAddress6(prefix) = %v", by)
			}
			if by := st.GetByAddress6(2, netip.MustParsePrefix("2001:db8:1::77/128")); len(by) != 0 {
				t.Errorf("GetByAddress6 in another subnet = %v", by)
			}
		})
	}
}
