#!/bin/sh
# make bench: every benchmark, each printing its ratios against its peers.
set -eu
status=0
for b in tools/bench-site.sh tools/bench-ingest.sh tools/bench-finance.sh \
         tools/bench-reconcile.sh; do
	if [ -x "$b" ]; then
		"$b" || status=1
	else
		echo "bench: $b missing" >&2
		status=1
	fi
done
exit $status
