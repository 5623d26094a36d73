#!/bin/sh
# tests/torture/crash.sh - crash safety: SIGKILL sdx at a random moment.
#
# Each trial starts a writing command, kills it with SIGKILL after a random
# delay (somewhere between "before it opened the ledger" and "after it
# finished"), then checks what a crash may and may not leave behind:
#
#   declare --jsonl  sdx verify passes; every batch reported as committed
#                    is there, entry for line; the ledger holds whole batches
#                    only, lines 1..K in order; the newest checkpoint covers
#                    every entry; the ledger takes more declarations.
#   import           sdx verify passes; the import happened fully (entries,
#                    checkpoints, evidence, receipt) or not at all, and fully
#                    if it was reported; importing again completes it.
#   checkpoint       sdx verify passes; a checkpoint printed is the one
#                    stored; running it again signs or shows the same.
#
# Environment: SDX, SDX_TEST_DATA (as for tests/cli), TORTURE_TRIALS (trials
# of each kind, default 100), TORTURE_LINES (JSONL lines, default 1000).
# About half the trials run with SDX_DURABLE=1.  Prints "ok"/"not ok" per
# trial and exits non-zero if any failed.
. "$(dirname "$0")/../cli/lib.sh"

TRIALS=${TORTURE_TRIALS:-100}
LINES=${TORTURE_LINES:-1000}
D=$EXAMPLES/data
REPORT=$D/reports/cnas-l1234-report-2026-0917.txt
ro() { sqlite3 -readonly "$@"; }

ms() { date +%s%N | cut -c1-13; }
rnd() { od -An -N2 -tu2 /dev/urandom | tr -d ' '; }   # 0..65535
# a delay in seconds, uniform in [0, $1 ms]
delay() { awk -v r="$(rnd)" -v max="$1" 'BEGIN { printf "%.3f", r / 65535 * max / 1000 }'; }
durable() { [ $(($(rnd) % 2)) = 1 ] && echo 1 || echo 0; }

fresh() { # copy ledger $1 (closed cleanly) to $2, with its key
	rm -f "$2" "$2-wal" "$2-shm"
	cp "$1" "$2" && cp "${1%.db}.key" "${2%.db}.key"
}

# Run sdx "$@" in the background, SIGKILL it after $delay seconds; $killed is 1
# if the signal landed, 0 if the command had finished.
run_and_kill() {
	: > run.out   # empty even if the kill comes before the redirection
	"$SDX" "$@" > run.out 2> run.err &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2> /dev/null
	wait "$pid" 2> /dev/null
	rc=$?
	killed=0
	[ "$rc" = 137 ] && killed=1
	if [ "$killed" = 0 ] && [ "$rc" != 0 ]; then
		why="exited $rc before the kill: $(head -c 200 run.err)"
		return 1
	fi
	return 0
}

failed=0
verdict() { # what, trial description
	if [ -z "$why" ]; then ok "$1 ($2)"; else nok "$1 ($2)" "$why"; failed=$((failed + 1)); fi
	case "$2" in *"killed"*) kills=$((kills + 1)) ;; esac
}

# --- set-up ---------------------------------------------------------------------
sdx init -L base.db --origin example.com/acme --unencrypted > /dev/null &&
sdx declare -L base.db "$D/pvc-compound-declaration.json" --attach "$REPORT" > /dev/null 2>&1 ||
	{ nok "set-up" "cannot make a ledger"; exit 1; }
jq -c '.declaration_id = "@ID@" | .material.name = "@ID@"' "$D/pvc-compound-declaration.json" |
	awk -v n="$LINES" '{ for (i = 1; i <= n; i++) { s = $0; gsub(/@ID@/, "CRASH-" i, s); print s } }' \
	> lines.jsonl
jq -c '.declaration_id = "AFTER-1"' "$D/pvc-compound-declaration.json" > after.jsonl
base=$(ro base.db "SELECT count(*) FROM entries")

# The uncrashed runs: their times scale the kill delays, their results are
# what a completed run leaves.
fresh base.db full.db
t0=$(ms)
sdx declare -L full.db --jsonl lines.jsonl --batch 10 > /dev/null ||
	{ nok "set-up" "an uninterrupted declare --jsonl failed"; exit 1; }
t_declare=$(($(ms) - t0 + 20))
sdx export -L full.db --all -o big.sdxb > /dev/null && sdx key show -L full.db --vkey > acme.vkey &&
sdx init -L maker.db --origin example.com/maker --unencrypted > /dev/null &&
sdx trust add -L maker.db acme.vkey > /dev/null ||
	{ nok "set-up" "cannot make a bundle and an importer"; exit 1; }
state() { # what an import changes, as one line
	ro "$1" "SELECT (SELECT count(*) FROM entries) || ' ' || (SELECT count(*) FROM foreign_entries)
		|| ' ' || (SELECT count(*) FROM foreign_checkpoints) || ' ' ||
		(SELECT count(*) FROM imports) || ' ' || (SELECT count(*) FROM attachments)"
}
none=$(state maker.db)
fresh maker.db imported.db
t0=$(ms)
sdx import -L imported.db big.sdxb > /dev/null || { nok "set-up" "an uninterrupted import failed"; exit 1; }
t_import=$(($(ms) - t0 + 20))
all=$(state imported.db)
# A ledger that grew since its last checkpoint: drop the newest one.
fresh base.db unsigned.db
sqlite3 unsigned.db "DROP TRIGGER checkpoints_no_delete; DELETE FROM checkpoints WHERE size = $base;
	CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN
	SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;" &&
	sdx verify -L unsigned.db > /dev/null ||
	{ nok "set-up" "cannot make a ledger without its newest checkpoint"; exit 1; }
fresh unsigned.db c.db
t0=$(ms)
sdx checkpoint -L c.db > /dev/null || { nok "set-up" "an uninterrupted checkpoint failed"; exit 1; }
t_checkpoint=$(($(ms) - t0 + 20))
echo "# $TRIALS trials each; uninterrupted: declare ${t_declare}ms, import ${t_import}ms," \
	"checkpoint ${t_checkpoint}ms (+20ms margin)"

# --- declare --jsonl ----------------------------------------------------------------
kills=0
i=0
while [ "$i" -lt "$TRIALS" ]; do
	i=$((i + 1))
	why=
	batch=$(awk -v r="$(rnd)" 'BEGIN { split("1 3 10 50 1000", b); print b[r % 5 + 1] }')
	delay=$(delay "$t_declare")
	dur=$(durable)
	fresh base.db t.db
	if SDX_DURABLE=$dur run_and_kill declare -L t.db --jsonl lines.jsonl --batch "$batch"; then
		cp run.out reported
		size=$(ro t.db "SELECT count(*) FROM entries")
		k=$((size - base))
		if ! sdx verify -L t.db > /dev/null 2> v.err; then
			why="verify failed: $(head -c 300 v.err)"
		elif [ $((k % batch)) != 0 ] && [ "$k" != "$LINES" ]; then
			why="$k lines committed: not whole batches of $batch"
		elif ! sdx log -L t.db --json --from "$base" | jq -r '.summary' |
			awk '!index($0, "CRASH-" NR " ") { bad = 1 } END { exit bad }'; then
			why="the entries are not lines 1..$k in order"
		elif ! awk -v base="$base" -v size="$size" '
			/^committed lines / { split($3, l, "-"); split($6, e, "-");
				if (e[1] != l[1] + base - 1 || e[2] != l[2] + base - 1 || e[2] >= size) bad = 1 }
			END { exit bad }' reported; then
			why="a batch reported committed is missing: $(tail -n 1 reported), ledger size $size"
		elif [ "$(ro t.db "SELECT max(size) FROM checkpoints")" != "$size" ]; then
			why="the newest checkpoint does not cover the $size entries"
		elif ! sdx declare -L t.db --jsonl after.jsonl > /dev/null 2> v.err ||
		     ! sdx verify -L t.db > /dev/null 2>> v.err; then
			why="the crashed ledger takes no more declarations: $(head -c 300 v.err)"
		fi
	fi
	[ "$killed" = 1 ] && how="killed after ${delay}s" || how="finished before ${delay}s"
	verdict "declare --jsonl trial $i" "batch $batch, durable $dur, $how, $(grep -c '^committed' run.out) batches reported"
done
echo "# declare: $kills of $TRIALS trials killed mid-run"

# --- import -------------------------------------------------------------------------
kills=0
i=0
while [ "$i" -lt "$TRIALS" ]; do
	i=$((i + 1))
	why= got=
	delay=$(delay "$t_import")
	dur=$(durable)
	fresh maker.db m.db
	if SDX_DURABLE=$dur run_and_kill import -L m.db big.sdxb; then
		now=$(state m.db)
		if ! sdx verify -L m.db > /dev/null 2> v.err; then
			why="verify failed: $(head -c 300 v.err)"
		elif [ "$now" != "$none" ] && [ "$now" != "$all" ]; then
			why="half an import: entries, foreign entries and checkpoints, imports,"
			why="$why attachments are $now; before: $none, after: $all"
		elif grep -q '^imported' run.out && [ "$now" != "$all" ]; then
			why="reported imported, but the state is $now"
		elif ! sdx import -L m.db big.sdxb > /dev/null 2> v.err ||
		     [ "$(state m.db)" != "$all" ] || ! sdx verify -L m.db > /dev/null 2>> v.err; then
			why="importing again did not complete it: $(state m.db); $(head -c 300 v.err)"
		fi
		[ "$now" = "$all" ] && got=done || got="not done"
	fi
	[ "$killed" = 1 ] && how="killed after ${delay}s" || how="finished before ${delay}s"
	verdict "import trial $i" "durable $dur, $how, import ${got:-?}"
done
echo "# import: $kills of $TRIALS trials killed mid-run"

# --- checkpoint ---------------------------------------------------------------------
kills=0
i=0
while [ "$i" -lt "$TRIALS" ]; do
	i=$((i + 1))
	why=
	delay=$(delay "$t_checkpoint")
	dur=$(durable)
	fresh unsigned.db c.db
	if SDX_DURABLE=$dur run_and_kill checkpoint -L c.db; then
		cp run.out printed
		if ! sdx verify -L c.db > /dev/null 2> v.err; then
			why="verify failed: $(head -c 300 v.err)"
		elif ! sdx checkpoint -L c.db > again 2> v.err || ! sdx verify -L c.db > /dev/null 2>> v.err; then
			why="checkpoint after the crash failed: $(head -c 300 v.err)"
		elif [ "$(head -n 2 again | tail -n 1)" != "$base" ]; then
			why="checkpoint after the crash is not of size $base"
		elif [ -s printed ] && ! cmp -s printed again; then
			why="the checkpoint printed before the crash is not the one stored"
		fi
	fi
	[ "$killed" = 1 ] && how="killed after ${delay}s" || how="finished before ${delay}s"
	[ -s run.out ] && how="$how, printed" || how="$how, nothing printed"
	verdict "checkpoint trial $i" "durable $dur, $how"
done
echo "# checkpoint: $kills of $TRIALS trials killed mid-run"
[ "$failed" = 0 ]
