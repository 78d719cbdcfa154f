#!/bin/sh
# Runs each Criterion unit-test binary and prints one closing tally, so
# that a failure in one binary does not hide the results of the others.
set -u
fail=0
for t in "$@"; do
	"$t" --jobs 2 || fail=1
done
exit $fail
