#!/bin/bash
# record.sh — run Kea 2.2's "kea-dhcp6 -t" on every broken Dhcp6 case and
# store its stderr (plus the exit status) in NAME.kea.txt next to NAME.json.
# Run from the config package directory (paths in messages are relative to
# it).
set -u
dir=$(mktemp -d)
export KEA_PIDFILE_DIR=$dir KEA_LOCKFILE_DIR=$dir
for f in testdata/broken6/*.json; do
	timeout 20 kea-dhcp6 -t "$f" >/dev/null 2>"${f%.json}.kea.txt"
	echo "exit $?" >>"${f%.json}.kea.txt"
done
rm -rf "$dir"
