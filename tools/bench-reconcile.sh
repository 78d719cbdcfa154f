#!/bin/sh
# Benchmark of certhall-batch reconcile (issue 8): 100,000 open orders
# against a statement of 100,000 and of 1,000,000 lines (a tenth paying
# orders, the rest noise), written straight into SQLite; prints each
# run's time and peak memory (goal < 64 MiB), and how the time grew from
# the small to the large run against n log n (goal: no faster). Sizes:
# BENCH_ORDERS, BENCH_SMALL, BENCH_LARGE.
set -eu
ORDERS=${BENCH_ORDERS:-100000}
SMALL=${BENCH_SMALL:-100000}
LARGE=${BENCH_LARGE:-1000000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CERTHALL_BIN:-$ROOT/build/bin}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
WORK=$(mktemp -d "$BASE/certhall-bench-reconcile.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

one() { # $1: lines; prints "wall-seconds kib cpu-seconds"
	dir="$WORK/$1"
	mkdir -p "$dir"
	ln -s "$ROOT/content" "$dir/content"
	(cd "$dir" && "$BIN/certhall-batch" init >/dev/null)
	/usr/bin/python3 "$ROOT/tests/bench/make_reconcile_db.py" \
		"$dir/var/certhall.db" "$ORDERS" "$1"
	sync
	(cd "$dir" && CERTHALL_NOW=2026-11-26T00:00:00Z /usr/bin/time -f "%e %M %U %S" \
		-o "$dir/time" "$BIN/certhall-batch" reconcile --json >"$dir/out")
	paid=$(sed 's/.*"paid":\([0-9]*\).*/\1/' "$dir/out")
	# The next night with nothing new: what a rerun costs.
	(cd "$dir" && CERTHALL_NOW=2026-11-27T00:00:00Z /usr/bin/time -f "%e" \
		-o "$dir/time2" "$BIN/certhall-batch" reconcile --json >/dev/null)
	echo "reconcile: $1 lines, $ORDERS orders: $(cut -d' ' -f1 "$dir/time") s," \
		"peak $(($(cut -d' ' -f2 "$dir/time") / 1024)) MiB, $paid paying lines;" \
		"a rerun with nothing new: $(cat "$dir/time2") s" >&2
	awk '{ print $1, $2, $3 + $4 }' "$dir/time"
	rm -rf "$dir"
}

# The growth is judged on CPU time (user + system), which other work on a
# shared machine disturbs less than wall time; both are printed.
set -- $(one "$SMALL") $(one "$LARGE")
awk -v ts="$1" -v ms="$2" -v cs="$3" -v tl="$4" -v ml="$5" -v cl="$6" \
	-v ns="$SMALL" -v nl="$LARGE" '
BEGIN {
	nlogn = (nl * log(nl)) / (ns * log(ns))
	grow = (cs > 0) ? cl / cs : 0
	printf "reconcile: CPU time grew %.1fx (wall %.1fx) for %.0fx the lines; n log n grows %.1fx (%s)\n",
		grow, (ts > 0 ? tl / ts : 0), nl / ns, nlogn,
		grow <= nlogn * 1.25 ? "ok" : "FASTER THAN n log n"
	peak = (ms > ml ? ms : ml) / 1024
	printf "reconcile: peak memory %.0f MiB (goal < 64: %s)\n", peak,
		peak < 64 ? "ok" : "OVER"
	exit (grow <= nlogn * 1.25 && peak < 64) ? 0 : 1
}'
