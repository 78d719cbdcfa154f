#!/bin/sh
# bench-site.sh: the site benchmark (issues 2 and 10). Generates a Chinese
# corpus (tests/bench/site_corpus.py, 10,000 pages by default) and, in one
# run, builds it with certhall-site and with Debian's hugo twice:
#
#   minimal   both tools with minimal layouts (tests/bench/minimal and
#             tests/bench/hugo: a title, the navigation, the body);
#   real      certhall-site with this site's own layouts (site/layouts),
#             Hugo with layouts that render the same navigation, table of
#             contents, breadcrumbs and pager (tests/bench/hugo-real).
#
# Then one page is changed and the real site rebuilt, once in the work
# tree (as `serve` does) and once as a new commit (as publishing from CI
# does); each result is compared with a full build, cache files included.
# It prints every figure side by side with its goal, and the line count
# of generator/. Wall time and peak RSS come from /usr/bin/time -f '%e %M'.
#
#   BENCH_PAGES=N   corpus size (default 10000)
#   BENCH_RUNS=N    full builds of each, best kept (default 3: the
#                   machine is shared and a build's file creation swings)
#   CERTHALL_BIN    folder holding certhall-site (default build/bin)
set -eu
cd "$(dirname "$0")/.."
BIN=${CERTHALL_BIN:-$PWD/build/bin}
SITE=$BIN/certhall-site
PAGES=${BENCH_PAGES:-10000}
RUNS=${BENCH_RUNS:-3}

for tool in /usr/bin/time hugo git /usr/bin/python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "bench-site: $tool is missing (make deps installs it)" >&2
		exit 1
	fi
done
[ -x "$SITE" ] || { echo "bench-site: $SITE is missing (run make)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/certhall-bench-site.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

echo "site: generating a $PAGES-page corpus" >&2
/usr/bin/python3 tests/bench/site_corpus.py --pages "$PAGES" "$work" >/dev/null
# The same pages with the other layouts.
cp -a "$work/certhall" "$work/certhall-min"
rm -rf "$work/certhall-min/site/layouts"
cp -a tests/bench/minimal/layouts "$work/certhall-min/site/layouts"
git -C "$work/certhall-min" add -A site
git -C "$work/certhall-min" -c user.name=Bench -c user.email=bench@example.com \
	commit -q -m "minimal layouts" >/dev/null
cp -a "$work/hugo" "$work/hugo-real"
rm -rf "$work/hugo-real/layouts"
cp -a tests/bench/hugo-real/layouts "$work/hugo-real/layouts"
t=$work/times
mkdir "$t"

# measure NAME CMD...: runs CMD, leaves "seconds kilobytes" in $t/NAME.
# The data written before (the corpus, the previous build) is flushed
# first, untimed, so that no command pays for another's write-back.
measure() {
	name=$1
	shift
	sync
	if ! /usr/bin/time -f '%e %M' -o "$t/$name.time" "$@" \
		>"$t/$name.out" 2>"$t/$name.err"; then
		echo "bench-site: $name failed:" >&2
		cat "$t/$name.err" >&2
		exit 1
	fi
	tail -n 1 "$t/$name.time" >"$t/$name"
}

# best NAME: keeps the run with the least wall time in $t/NAME.best.
best() {
	if [ ! -f "$t/$1.best" ] ||
		awk -v a="$(cut -d' ' -f1 "$t/$1")" -v b="$(cut -d' ' -f1 "$t/$1.best")" \
			'BEGIN { exit !(a < b) }'; then
		cp "$t/$1" "$t/$1.best"
	fi
}

# How fast this file system creates files right now, printed with the
# figures: both tools create 20,000 (a folder and a file per page), and
# right after a large tree was deleted ext4 is several times slower at
# it (README), which weighs far more on a 2 s build than on a 20 s one.
mkdir "$work/probe"
sync
/usr/bin/time -f '%e' -o "$t/probe" /usr/bin/python3 -c '
import os, sys
base = sys.argv[1]
for i in range(2000):
    d = os.path.join(base, "d%04d" % i)
    os.mkdir(d)
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("x")
' "$work/probe"
read -r probe_s <"$t/probe"

# Every build writes into a folder of its own and nothing is deleted
# until the end: ext4 does not reuse an inode freed in the last minutes
# and scans past each one, which would charge whichever tool came next
# for a deletion.
run=0
while [ "$run" -lt "$RUNS" ]; do
	run=$((run + 1))
	echo "site: full builds, run $run of $RUNS" >&2
	measure chmin "$SITE" build -C "$work/certhall-min" -o "$work/chmin-$run"
	best chmin
	measure humin hugo --quiet -s "$work/hugo" -d "$work/humin-$run"
	best humin
	measure chreal "$SITE" build -C "$work/certhall" -o "$work/chreal-$run"
	best chreal
	measure hureal hugo --quiet -s "$work/hugo-real" -d "$work/hureal-$run"
	best hureal
done

# same A B: "yes" if the rebuilt output A equals the full build B, the
# cache included.
same() {
	if diff -r -q "$1" "$2" >"$work/diff" 2>&1; then
		echo yes
	else
		echo "NO ($(wc -l <"$work/diff") files differ)"
		head -n 5 "$work/diff" >&2
	fi
}

# The rebuild an editor waits for: `serve` runs `build --worktree` on
# every save, into the output of the previous work-tree build. Three
# edits, each rebuilt; the fastest is kept, as for the full builds.
echo "site: one-page rebuilds" >&2
measure wtfirst "$SITE" build --worktree -C "$work/certhall" -o "$work/ch-wt"
page=$work/certhall/content/section-001/page-0001.md
for edit in 1 2 3; do
	printf '\n基准测试第 %d 次修改了这一页：新增一段说明文字。\n' "$edit" >>"$page"
	measure wtre "$SITE" build --worktree -C "$work/certhall" -o "$work/ch-wt"
	best wtre
done
measure wtfull "$SITE" build --worktree -C "$work/certhall" -o "$work/ch-wt-full"
same_wt=$(same "$work/ch-wt" "$work/ch-wt-full")

# Publishing: the same change committed, rebuilt into the output of the
# previous commit's build (the last full build of the real site).
git -C "$work/certhall" -c user.name=Bench -c user.email=bench@example.com \
	commit -q -am "benchmark: change one page"
measure cre "$SITE" build -v -C "$work/certhall" -o "$work/chreal-$RUNS"
measure cfull "$SITE" build -C "$work/certhall" -o "$work/ch-c-full"
same_c=$(same "$work/chreal-$RUNS" "$work/ch-c-full")
written=$(sed -n 's/.*: \([0-9]*\) pages: .* \([0-9]*\) kept;.*/\1 \2/p' \
	"$t/cre.err" | awk '{ print $1 - $2 }')

lines=$(cat generator/*.c generator/*.h | wc -l)

read -r cm_s cm_kb <"$t/chmin.best"
read -r hm_s hm_kb <"$t/humin.best"
read -r cr_s cr_kb <"$t/chreal.best"
read -r hr_s hr_kb <"$t/hureal.best"
read -r wt_s wt_kb <"$t/wtre.best"
read -r cc_s cc_kb <"$t/cre"

awk -v cms="$cm_s" -v hms="$hm_s" -v cmk="$cm_kb" -v hmk="$hm_kb" \
	-v crs="$cr_s" -v hrs="$hr_s" -v crk="$cr_kb" -v hrk="$hr_kb" \
	-v wts="$wt_s" -v ccs="$cc_s" -v pages="$PAGES" -v runs="$RUNS" \
	-v same="$same_wt" -v samec="$same_c" -v written="$written" \
	-v probe="$probe_s" -v lines="$lines" 'BEGIN {
	goal = 9726 - 1300
	printf "site: %d pages, best of %d full builds; rebuilt output equals a full build: work tree %s, commit %s\n", pages, runs, same, samec
	printf "site: this file system created 2,000 folders and files in %.2fs just before (0.2-0.4s when settled)\n", probe
	f(cms / hms, 0.20, sprintf("full build, minimal layouts: certhall-site %.2fs / hugo %.2fs", cms, hms))
	f(crs / hrs, 0.10, sprintf("full build, real layouts: certhall-site %.2fs / hugo (same nav and TOC) %.2fs", crs, hrs))
	f(wts / crs, 0.10, sprintf("one-page rebuild, work tree %.2fs / full build %.2fs", wts, crs))
	f(ccs / crs, 0.15, sprintf("one-page rebuild, new commit (%d page files written) %.2fs / full build %.2fs", written, ccs, crs))
	f(crk / hrk, 0.10, sprintf("peak memory, real layouts: certhall-site %.1f MB / hugo %.1f MB", crk / 1024, hrk / 1024))
	f(cmk / hmk, 0.10, sprintf("peak memory, minimal layouts: certhall-site %.1f MB / hugo %.1f MB", cmk / 1024, hmk / 1024))
	printf "site: generator/ lines: %d (goal <= %d)%s\n", lines, goal, lines <= goal ? "" : " MISSED"
}
function f(r, goal, what) {
	printf "site: %s = %.3f (goal <= %.2f)%s\n", what, r, goal, r <= goal ? "" : " MISSED"
}'
