#!/bin/sh
# Benchmark of the finance stage (issue 8), its import half: a statement of
# BENCH_LINES lines (default 1,000,000; a 建设银行 export, GB18030, a tenth of
# the lines paying 100,000 open orders, the rest noise) imported by
# certhall-batch, and in the same run sqlite3's .import of the same file
# into a bare table: the least any import must do (read the CSV, write the
# rows). Prints the ratio (goal <= 2.0) and import's peak memory (goal <
# 64 MiB).
#
# The reconcile half is tools/bench-reconcile.sh, which make bench runs
# after this one.
set -eu
N=${BENCH_LINES:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CERTHALL_BIN:-$ROOT/build/bin}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
WORK=$(mktemp -d "$BASE/certhall-bench-finance.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

cd "$WORK"
ln -s "$ROOT/content" content
echo "finance: writing a statement of $N lines to $WORK" >&2
test "$N" -gt 0
/usr/bin/python3 "$ROOT/tests/bench/make_statement.py" statement.csv orders.csv "$N"
"$BIN/certhall-batch" init >/dev/null
size=$(du -m statement.csv | cut -f1)
sync

# The peer: a bare table of the export's 15 columns, the preamble (3 lines)
# and the header skipped, in one transaction as .import does.
cols=$(seq 1 15 | sed 's/^/c/' | paste -sd, -)
/usr/bin/time -f '%e %M' -o peer.txt sqlite3 peer.db \
	"CREATE TABLE t ($cols);" ".import --csv --skip 4 statement.csv t" \
	2>peer.err || { cat peer.err >&2; exit 1; }
read -r peer peer_kib <peer.txt
# A second peer that keeps what the import rules ask a ledger to keep: the
# serial unique, the lines indexed by date and by amount (as reconcile
# reads them), and each line's raw text in a table of its own. The goal's
# bare table keeps none of it.
/usr/bin/time -f '%e' -o peer2.txt sqlite3 peer2.db \
	"CREATE TABLE t ($cols); CREATE UNIQUE INDEX k ON t(c12);
	 CREATE INDEX d ON t(c9); CREATE INDEX a ON t(c3, c2);
	 CREATE TABLE raw (n INTEGER PRIMARY KEY, text TEXT);" \
	".import --csv --skip 4 statement.csv t" \
	"INSERT INTO raw SELECT rowid, c1||','||c2||','||c3||','||c4||','||c5||','||
	 c6||','||c7||','||c8||','||c9||','||c10||','||c11||','||c12 FROM t;" \
	2>peer2.err || { cat peer2.err >&2; exit 1; }
read -r peer2 <peer2.txt

/usr/bin/time -f '%e %M' -o time.txt "$BIN/certhall-batch" import --json \
	statement.csv >result.json 2>import.err || { cat import.err result.json >&2; exit 1; }
read -r secs kib <time.txt
booked=$(sed -n 's/.*"lines_booked":\([0-9]*\).*/\1/p' result.json)
if [ "$booked" != "$N" ]; then
	echo "finance: $booked of $N lines booked" >&2
	head -c 2000 result.json >&2
	exit 1
fi
ratio=$(awk -v a="$secs" -v b="$peer" 'BEGIN { printf "%.2f", a / b }')
mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
echo "finance: statement of $N lines, $size MB"
echo "finance: import certhall-batch ${secs}s / sqlite3 .import ${peer}s = $ratio (goal <= 2.0)"
ratio2=$(awk -v a="$secs" -v b="$peer2" 'BEGIN { printf "%.2f", a / b }')
echo "finance: import certhall-batch ${secs}s / sqlite3 .import with the ledger's keys ${peer2}s = $ratio2 (informational)"
echo "finance: import peak memory $mib MiB (goal < 64 MiB)"

