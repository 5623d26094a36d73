#!/bin/sh
# Run the unit tests, fuzz replays and CLI tests of one build ($BUILD) and count
# the results.
# Every test prints "ok - ..." or "not ok - ..."; a binary or script that
# crashes or exits non-zero without printing a "not ok" counts as one failure.
# Counts are written to $BUILD/test-counts as "passed failed".
BUILD=${BUILD:-build}
top=$(pwd)
export SDX_TEST_DATA="$top/tests/data"
export SDX="$top/$BUILD/sdx"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
log="$top/$BUILD/test.log"
: > "$log"
pass=0 fail=0

count() { # name, output file, exit code
	p=$(grep -c '^ok - ' "$2"); f=$(grep -c '^not ok - ' "$2")
	grep '^not ok - ' "$2"
	if [ "$3" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $1: exited with status $3"; f=1
		tail -n 20 "$2"
	fi
	pass=$((pass + p)); fail=$((fail + f))
	cat "$2" >> "$log"
}

out=$(mktemp)
for t in "$BUILD"/tests/unit/*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	case "$t" in *.o|*.d) continue ;; esac
	"$t" > "$out" 2>&1; rc=$?
	count "$(basename "$t")" "$out" $rc
done
# Fuzz replay (tests/fuzz/replay.c, tests/fuzz/README.md): each regression input
# on its own, so that a failure names it, then at most $seeds seeds of the
# target's corpus in one run.
seeds=50
replay() { # binary, test name, inputs...
	b=$1 what=$2; shift 2
	if "$b" "$@" > "$out" 2>&1; then
		echo "ok - $what" > "$out"
	else
		rc=$?
		tail -n 20 "$out"
		echo "not ok - $what: status $rc; last $(grep '^replay: ' "$out" | tail -n 1)" >> "$out"
	fi
	count "$what" "$out" 0
}
for t in "$BUILD"/fuzz-replay/*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=$(basename "$t")
	for r in tests/fuzz/regressions/"$name"/*; do
		[ -f "$r" ] && replay "$t" "fuzz replay $name: regression $(basename "$r")" "$r"
	done
	set -- $(ls tests/fuzz/corpus/"$name" 2>/dev/null | head -n $seeds |
		sed "s|^|tests/fuzz/corpus/$name/|")
	if [ $# = 0 ]; then
		echo "not ok - fuzz replay $name: no seeds in tests/fuzz/corpus/$name"; fail=$((fail + 1))
	else
		replay "$t" "fuzz replay $name: $# inputs" "$@"
	fi
done
for t in tests/cli/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	sh "$t" > "$out" 2>&1; rc=$?
	count "$(basename "$t")" "$out" $rc
done
rm -f "$out"
echo "$pass $fail" > "$BUILD/test-counts"
echo "$BUILD: $pass passed, $fail failed (log: $BUILD/test.log)"
[ "$fail" = 0 ]
