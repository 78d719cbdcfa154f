#!/bin/sh
# Benchmark of certhall-batch ingest (issue 3): BENCH_BUNDLES bundles
# (default 1000) of four or five ~2 MB scans each, ingested; in the same
# run `unzip -tq` plus `sha256sum` over the same bundles, the least any
# intake must do (inflate and check every entry, hash the file). Prints the
# ratio (goal <= 1.5) and ingest's peak memory (goal < 64 MiB).
#
# About 9.5 GB per 1000 bundles are written under BENCH_DIR (default a new
# folder in /tmp) and deleted at the end.
set -eu
N=${BENCH_BUNDLES:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CERTHALL_BIN:-$ROOT/build/bin}
BASE=${BENCH_DIR:-${TMPDIR:-/tmp}}
WORK=$(mktemp -d "$BASE/certhall-bench-ingest.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

cd "$WORK"
ln -s "$ROOT/content" content
echo "ingest: writing $N bundles to $WORK" >&2
test "$N" -gt 0
/usr/bin/python3 "$ROOT/tests/bench/make_bundles.py" var/inbox "$N"
"$BIN/certhall-batch" init >/dev/null
total=$(du -sm var/inbox | cut -f1)
# The generator leaves gigabytes of dirty pages; flushed now, so that
# neither side is timed while the kernel writes them back (ingest, which
# fsyncs its store, would otherwise queue behind that writeback).
sync

# The peers first: they read the bundles into the page cache for both.
# Wall time and CPU time (user + sys) of each side: with two shared cores
# the wall time also measures the neighbours, the CPU time less so.
/usr/bin/time -f '%e %U %S' -o peer.txt sh -c '
for f in var/inbox/*.zip; do
	unzip -tq "$f" >/dev/null
done
sha256sum var/inbox/*.zip >/dev/null'
read -r peer peer_u peer_s <peer.txt

/usr/bin/time -f '%e %M %U %S' -o time.txt "$BIN/certhall-batch" ingest \
	>results.jsonl 2>ingest.err || {
	cat ingest.err >&2
	exit 1
}
read -r secs kib ing_u ing_s <time.txt
accepted=$(grep -c '"outcome":"accepted"' results.jsonl || true)
if [ "$accepted" -ne "$N" ]; then
	echo "ingest: only $accepted of $N bundles accepted" >&2
	grep -v '"outcome":"accepted"' results.jsonl | head -3 >&2
	exit 1
fi
ratio=$(awk -v a="$secs" -v b="$peer" 'BEGIN { printf "%.2f", a / b }')
mib=$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')
echo "ingest: $N bundles, $total MB"
echo "ingest: certhall-batch ${secs}s / (unzip -tq + sha256sum) ${peer}s = $ratio (goal <= 1.5)"
echo "ingest: peak memory $mib MiB (goal < 64 MiB)"
awk -v iu="$ing_u" -v is="$ing_s" -v pu="$peer_u" -v ps="$peer_s" 'BEGIN {
	printf "ingest: CPU user+sys certhall-batch %.2fs / peers %.2fs = %.2f\n",
	       iu + is, pu + ps, (iu + is) / (pu + ps) }'
