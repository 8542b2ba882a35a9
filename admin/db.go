package admin

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/nestordhcp/nestor/lease"
	"github.com/nestordhcp/nestor/lease/csv"
	"github.com/nestordhcp/nestor/lease/mysql"
	"github.com/nestordhcp/nestor/lease/pgsql"
	"github.com/nestordhcp/nestor/lease/sqlcommon"
)

// backend is what the commands need to know about one database type.
type backend struct {
	open     func(sqlcommon.Config) (*sql.DB, error)
	init     func(context.Context, *sql.DB, sqlcommon.Version) error
	upgrade  func(context.Context, *sql.DB) ([]sqlcommon.Version, error)
	dialect  *sqlcommon.Dialect
	def      sqlcommon.Version
	versions []sqlcommon.Version // what --schema-version accepts
	tables   string              // lists the tables of the database
	call     string              // how a dump procedure is invoked
	mysql    bool                // output as the mysql client prints (NULL, escapes)
}

var backends = map[string]*backend{
	"pgsql": {
		open: pgsql.OpenDB, init: pgsql.InitSchema, upgrade: pgsql.UpgradeSchema, dialect: pgsql.Dialect,
		def: pgsql.DefaultVersion, versions: []sqlcommon.Version{pgsql.Kea22, pgsql.Kea26},
		tables: "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
		call:   "SELECT * FROM %s()",
	},
	"mysql": {
		open: mysql.OpenDB, init: mysql.InitSchema, upgrade: mysql.UpgradeSchema, dialect: mysql.Dialect,
		def: mysql.DefaultVersion, versions: []sqlcommon.Version{mysql.Kea22, mysql.Kea26},
		tables: "SHOW TABLES", call: "CALL %s()", mysql: true,
	},
}

func (o *options) run(w io.Writer) int {
	if o.backend == "memfile" {
		switch o.command {
		case "lease-dump":
			logError(w, "lease-dump is not supported for memfile")
		case "lease-upload":
			logError(w, "lease-upload is not supported for memfile")
		case "stats-recount":
			logInfo(w, "memfile does not keep lease statistics")
			return 0
		default:
			// Memfile lease files are converted by the servers and the
			// LFC, as with Kea.
			logError(w, "NOT IMPLEMENTED")
		}
		return 1
	}
	b := backends[o.backend]
	db, err := b.open(o.config())
	if err != nil {
		logError(w, err.Error())
		return 1
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	switch o.command {
	case "db-init":
		return o.dbInit(ctx, w, b, db)
	case "db-version":
		v, err := sqlcommon.ReadVersion(ctx, db)
		if err != nil {
			fmt.Fprintf(w, "Failed to get schema version, %s status %v\n", o.backend, err)
			return 1
		}
		fmt.Fprintln(w, v)
		if b.mysql {
			fmt.Fprintln(w)
		}
		return 0
	case "db-upgrade":
		return o.dbUpgrade(ctx, w, b, db)
	case "lease-dump":
		return o.leaseDump(ctx, w, b, db)
	case "lease-upload":
		return o.leaseUpload(w, b)
	case "stats-recount":
		return o.statsRecount(ctx, w, b, db)
	}
	return 1
}

func (o *options) dbInit(ctx context.Context, w io.Writer, b *backend, db *sql.DB) int {
	v := b.def
	if o.schema != "" {
		v = sqlcommon.Version{Major: -1}
		for _, k := range b.versions {
			if k.String() == o.schema || strconv.Itoa(k.Major) == o.schema {
				v = k
			}
		}
		if v.Major < 0 {
			logError(w, fmt.Sprintf("unsupported schema version %s (Nestor creates %v)", o.schema, b.versions))
			return 1
		}
	}
	fmt.Fprintln(w, "Checking if there is a database initialized already...")
	var tables []string
	rows, err := db.QueryContext(ctx, b.tables)
	if err != nil {
		logError(w, fmt.Sprintf("%s_init table query failed: %v", o.backend, err))
		return 1
	}
	for rows.Next() {
		var t string
		rows.Scan(&t)
		tables = append(tables, t)
	}
	rows.Close()
	if len(tables) > 0 {
		fmt.Fprintln(w)
		logError(w, "Expected empty database "+o.name+". Aborting, the following tables are present:\n        "+strings.Join(tables, "\n"))
		if b.mysql {
			return 1
		}
		return 2
	}
	if b.mysql {
		// Kea's mysql_can_create: MySQL 8 needs extra rights to create
		// the schema's triggers and functions.
		fmt.Fprintf(w, "Verifying create permissions for %s\n", o.user)
		if !mysqlCanCreate(ctx, w, db, o.user) {
			return 1
		}
	}
	fmt.Fprintf(w, "Initializing database using Nestor's schema, version %s\n", v)
	if err := b.init(ctx, db, v); err != nil {
		logError(w, "Database initialization failed: "+err.Error())
		return 1
	}
	got, err := sqlcommon.ReadVersion(ctx, db)
	if err != nil {
		logError(w, err.Error())
		return 1
	}
	fmt.Fprintf(w, "Database version reported after initialization: %s\n", got)
	return 0
}

func (o *options) dbUpgrade(ctx context.Context, w io.Writer, b *backend, db *sql.DB) int {
	v, err := sqlcommon.ReadVersion(ctx, db)
	if err != nil {
		logError(w, "Failed to get schema version: "+err.Error())
		return 1
	}
	fmt.Fprintf(w, "Database version reported before upgrade: %s\n", v)
	if _, ok := b.dialect.Layouts[v]; !ok {
		logError(w, fmt.Sprintf("Nestor cannot upgrade schema version %s (it upgrades %v)", v, b.versions))
		return 1
	}
	done, err := b.upgrade(ctx, db)
	for _, d := range done {
		fmt.Fprintf(w, "Upgraded to %s\n", d)
	}
	if err != nil {
		logError(w, err.Error())
		return 1
	}
	v, _ = sqlcommon.ReadVersion(ctx, db)
	fmt.Fprintf(w, "Database version reported after upgrade: %s\n", v)
	return 0
}

// checkOverwrite is kea-admin's check_file_overwrite: an existing file is
// removed with -y, otherwise the command stops (Nestor never prompts).
func (o *options) checkOverwrite(w io.Writer, file string) bool {
	if _, err := os.Stat(file); err != nil {
		return true
	}
	if o.yes {
		logInfo(w, "Removing file "+file+"...")
		os.Remove(file)
		return true
	}
	fmt.Fprintf(w, "Output file, %s, exists and will be overwritten.\n", file)
	fmt.Fprintln(w, "Do you wish to continue? (y/N)")
	logWarning(w, "Non-interactive tty detected. Assuming no.")
	fmt.Fprintf(w, "%s aborted by user.\n", o.command)
	return false
}

func (o *options) leaseDump(ctx context.Context, w io.Writer, b *backend, db *sql.DB) int {
	if o.family == 0 {
		logError(w, "lease-dump: lease type ( -4 or -6 ) needs to be specified")
		usage(w, o.prog)
		return 1
	}
	if o.output == "" {
		logError(w, "you must specify an output file for lease-dump")
		usage(w, o.prog)
		return 1
	}
	if !o.checkOverwrite(w, o.output) {
		return 1
	}
	var out strings.Builder
	for _, proc := range []string{"lease%dDumpHeader", "lease%dDumpData"} {
		if err := dumpQuery(ctx, db, fmt.Sprintf(b.call, fmt.Sprintf(proc, o.family)), b.mysql, &out); err != nil {
			logError(w, fmt.Sprintf("lease-dump: query failed: %v", err))
			return 1
		}
	}
	if err := os.WriteFile(o.output, []byte(out.String()), 0o644); err != nil {
		logError(w, "lease-dump: "+err.Error())
		return 1
	}
	if b.mysql {
		logInfo(w, fmt.Sprintf("Successfully dumped lease%d to %s.", o.family, o.output))
	} else {
		fmt.Fprintf(w, "lease%d successfully dumped to %s\n", o.family, o.output)
	}
	return 0
}

// dumpQuery appends the rows of q as the psql (-A -t -F ,) or mysql (-N -B,
// tabs turned into commas) clients print them, which is what kea-admin
// writes.
func dumpQuery(ctx context.Context, db *sql.DB, q string, mysqlStyle bool, out *strings.Builder) error {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if i > 0 {
				out.WriteByte(',')
			}
			out.WriteString(formatValue(v, mysqlStyle))
		}
		out.WriteByte('\n')
	}
	return rows.Err()
}

func formatValue(v any, mysqlStyle bool) string {
	var s string
	switch x := v.(type) {
	case nil:
		if mysqlStyle {
			return "NULL"
		}
		return ""
	case []byte:
		s = string(x)
	case string:
		s = x
	case int64:
		s = strconv.FormatInt(x, 10)
	case bool:
		s = "f"
		if x {
			s = "t"
		}
	case netip.Prefix:
		if x.Bits() == x.Addr().BitLen() {
			s = x.Addr().String()
		} else {
			s = x.String()
		}
	case time.Time:
		s = x.String()
	default:
		s = fmt.Sprint(x)
	}
	if mysqlStyle {
		s = mysqlEscape(s)
	}
	return s
}

// mysqlEscape is the mysql client's batch-mode escaping.
func mysqlEscape(s string) string {
	if !strings.ContainsAny(s, "\\\t\n\x00") {
		return s
	}
	r := strings.NewReplacer("\\", "\\\\", "\t", "\\t", "\n", "\\n", "\x00", "\\0")
	return r.Replace(s)
}

func (o *options) leaseUpload(w io.Writer, b *backend) int {
	if o.input == "" {
		logError(w, "you must specify an input file with -i or --input for lease-upload")
		usage(w, o.prog)
		return 1
	}
	if o.family == 0 {
		logError(w, "lease-upload: lease type -4 or -6 needs to be specified")
		usage(w, o.prog)
		return 1
	}
	raw, err := os.ReadFile(o.input)
	if err != nil {
		logError(w, "lease-upload: "+err.Error())
		return 1
	}
	lines := strings.Count(string(raw), "\n")
	if lines <= 1 {
		logError(w, "CSV file has no leases")
		return 1
	}
	logInfo(w, fmt.Sprintf("Looking at %d lines of CSV in %s...", lines, o.input))
	cfg := o.config()
	var n int
	if o.family == 4 {
		n, err = upload4(cfg, b, o.input)
	} else {
		n, err = upload6(cfg, b, o.input)
	}
	if err != nil {
		logError(w, "lease-upload: "+err.Error())
		return 1
	}
	logInfo(w, fmt.Sprintf("Reduced to %d lines in %s.", n+1, o.input))
	logInfo(w, fmt.Sprintf("Successfully updated table lease%d.", o.family))
	return 0
}

// upload4 reads a memfile lease file as the LFC would (the last row of an
// address wins, a row with a zero lifetime deletes) and inserts the leases
// in one transaction.
func upload4(cfg sqlcommon.Config, b *backend, file string) (int, error) {
	last := map[netip.Addr]*lease.Lease4{}
	var order []netip.Addr
	var rowErr error
	if _, err := csv.Load4(file, 0, func(l *lease.Lease4) {
		if _, seen := last[l.Addr]; !seen {
			order = append(order, l.Addr)
		}
		last[l.Addr] = l
	}, func(e *csv.RowError) { rowErr = e }); err != nil {
		return 0, err
	}
	if rowErr != nil {
		return 0, rowErr
	}
	var ls []*lease.Lease4
	for _, a := range order {
		if l := last[a]; l.ValidLifetime != 0 {
			ls = append(ls, l)
		}
	}
	s, err := sqlcommon.Open4(b.dialect, cfg)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	return len(ls), s.AddLeases4(ls)
}

func upload6(cfg sqlcommon.Config, b *backend, file string) (int, error) {
	last := map[netip.Addr]*lease.Lease6{}
	var order []netip.Addr
	var rowErr error
	if _, err := csv.Load6(file, 0, func(l *lease.Lease6) {
		if _, seen := last[l.Addr]; !seen {
			order = append(order, l.Addr)
		}
		last[l.Addr] = l
	}, func(e *csv.RowError) { rowErr = e }); err != nil {
		return 0, err
	}
	if rowErr != nil {
		return 0, rowErr
	}
	var ls []*lease.Lease6
	for _, a := range order {
		if l := last[a]; l.ValidLifetime != 0 {
			ls = append(ls, l)
		}
	}
	s, err := sqlcommon.Open6(b.dialect, cfg)
	if err != nil {
		return 0, err
	}
	defer s.Close()
	return len(ls), s.AddLeases6(ls)
}

func (o *options) statsRecount(ctx context.Context, w io.Writer, b *backend, db *sql.DB) int {
	fmt.Fprintln(w, "Recount lease statistics from database")
	v, err := sqlcommon.ReadVersion(ctx, db)
	if err != nil {
		logError(w, err.Error())
		return 1
	}
	lay := b.dialect.Layouts[v]
	for fam, qs := range [][]string{4: sqlcommon.RecountSQL(4, lay), 6: sqlcommon.RecountSQL(6, lay)} {
		if len(qs) == 0 {
			continue
		}
		if err := execTx(ctx, db, qs); err != nil {
			logError(w, fmt.Sprintf("%s failed to recount IPv%d leases, %s status = %v", o.backend, fam, o.backend, err))
			return 1
		}
	}
	return 0
}

func execTx(ctx context.Context, db *sql.DB, qs []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// mysqlCanCreate is kea-admin's mysql_can_create: the server version, then
// a dummy table and trigger created and dropped, with its messages (the
// mysql client's status is 1 for a failed statement).
func mysqlCanCreate(ctx context.Context, w io.Writer, db *sql.DB, user string) bool {
	var version string
	if err := db.QueryRowContext(ctx, "select @@global.version").Scan(&version); err != nil {
		logError(w, "mysql_can_create: get MySQL version failed, mysql status = 1")
		return false
	}
	fmt.Fprintf(w, "MySQL Version is: %s\n", version)
	cleanup := func(when string) bool {
		for _, q := range []string{"DROP TABLE IF EXISTS kea_dummy_table", "DROP PROCEDURE IF EXISTS kea_dummy_trigger"} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				logError(w, "mysql_can_create cannot run "+when+" cleanup, mysql status = 1")
				return false
			}
		}
		return true
	}
	if !cleanup("pre") {
		return false
	}
	ok := true
	if _, err := db.ExecContext(ctx, "CREATE TABLE kea_dummy_table(dummy INT UNSIGNED PRIMARY KEY NOT NULL)"); err != nil {
		logError(w, "mysql_can_create cannot create table, check user permissions, mysql status = 1")
		ok = false
	} else if _, err := db.ExecContext(ctx, "CREATE TRIGGER kea_dummy_trigger BEFORE insert ON kea_dummy_table FOR EACH ROW BEGIN END"); err != nil {
		logError(w, "mysql_can_create cannot trigger, check user permissions, mysql status = 1")
		ok = false
	}
	if !cleanup("post") {
		return false
	}
	if !ok {
		logError(w, "Create failed, the user, "+user+", has insufficient privileges.")
	}
	return ok
}
