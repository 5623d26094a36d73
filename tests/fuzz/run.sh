#!/bin/sh
# Run each fuzz target for SECONDS on a working copy of its corpus:
#   sh tests/fuzz/run.sh SECONDS TARGET...
# First the committed regression inputs (tests/fuzz/regressions/<target>/) are
# replayed, then the target fuzzes build-fuzz/corpus/<target>/ (seeded from
# tests/fuzz/corpus/<target>/, which is never written).  One line per target;
# a crash, leak, sanitizer report or timeout leaves the input in
# build-fuzz/crashes/<target>/ and the log in build-fuzz/logs/<target>.log.
# Exit status 1 if any target failed.
secs=${1:?usage: run.sh SECONDS TARGET...}
shift
B=${FUZZ_BUILD:-build-fuzz}
dict=tests/fuzz/json.dict
fail=0
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

for t in "$@"; do
	bin=$B/fuzz/$t
	work=$B/corpus/$t
	crashes=$B/crashes/$t
	log=$B/logs/$t.log
	mkdir -p "$work" "$crashes" "$B/logs"
	if [ ! -x "$bin" ]; then
		echo "fuzz $t: FAILED: no $bin"; fail=1; continue
	fi
	if [ -d "tests/fuzz/regressions/$t" ] &&
	   ! "$bin" tests/fuzz/regressions/$t/* > "$log" 2>&1; then
		echo "fuzz $t: FAILED: a regression input crashes again (log: $log)"
		fail=1; continue
	fi
	cp -p tests/fuzz/corpus/$t/* "$work"/ 2>/dev/null
	case $t in
	dsse|json|record|bundle_signed) opt=-dict=$dict ;;
	*) opt= ;;
	esac
	"$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/" $opt "$work" > "$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	if [ $rc = 0 ]; then
		echo "fuzz $t: ok, ${runs:-?} executions in ${secs}s, coverage ${cov:-?}, corpus $(ls "$work" | wc -l)"
	else
		why=$(grep -m 1 -E 'ERROR: |runtime error|invariant failed|ALARM|out-of-memory' "$log")
		echo "fuzz $t: FAILED after ${runs:-?} executions: ${why:-exit $rc}"
		echo "  input: $(ls -t "$crashes" | head -n 1 | sed "s|^|$crashes/|"), log: $log"
		fail=1
	fi
done
exit $fail
