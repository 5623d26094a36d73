#!/bin/sh
# Crash safety: SIGKILL sdx at random moments while it writes, many times,
# and require after each kill that
#   - `sdx verify` passes (nothing half-written, chain and tree intact), and
#   - every entry the command had reported as committed is there, with the
#     record it reported (declare), or the import happened whole or not at all.
#
# usage: crash.sh SDX TRIALS DATA-DIR      (make torture: 100; make check: 4)
# Prints "ok - ..." / "not ok - ..." lines and a summary; exit 1 on a failure.
set -u
SDX=$1 TRIALS=$2 DATA=$3
EX=$(cd "$DATA/../../examples/data" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sdx-crash-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 2
export SDX_KDF=min
unset SDX_LEDGER SDX_KEY SDX_PASSPHRASE
fail=0 kills=0 checked=0

# a random delay of 0 to $1 milliseconds, from /dev/urandom
rnd() { od -An -N2 -tu2 /dev/urandom | awk -v m="$1" '{ printf "%d", $1 % (m + 1) }'; }
pause_ms() { sleep "$(awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }')"; }
bad() { echo "not ok - crash: $1"; fail=$((fail + 1)); }

"$SDX" init -L base.db --origin example.com/crash --unencrypted > /dev/null || exit 2
"$SDX" declare -L base.db "$EX/pvc-compound-declaration.json" \
	--attach "$EX/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1 || exit 2
cp base.key s.key
fresh() { rm -f s.db s.db-wal s.db-shm; cp base.db s.db; }
# 2000 declarations, each with its line number in its id
jq -c . "$EX/pvc-compound-declaration.json" > one.json
awk -v n=2000 '{ for (i = 1; i <= n; i++) { s = $0; sub(/"HX-DOC-2026-0920-01"/, "\"CRASH-" i "\"", s); print s } }' \
	one.json > many.jsonl

check_ledger() {  # $1: what was killed
	if ! "$SDX" verify -L s.db > v.out 2>&1; then
		bad "$1: verify fails after SIGKILL: $(cat v.out)"
		return 1
	fi
	checked=$((checked + 1))
}

# 1. declare --jsonl, killed mid-way: every reported batch is present, as reported
t=0
while [ $t -lt "$TRIALS" ]; do
	t=$((t + 1))
	fresh
	"$SDX" declare -L s.db --jsonl many.jsonl --batch 20 > out 2> err &
	pid=$!
	pause_ms "$(rnd 300)"
	kill -9 $pid 2> /dev/null && kills=$((kills + 1))
	wait $pid 2> /dev/null
	check_ledger "declare trial $t" || continue
	# "committed lines A-B as entries X-Y": entry X+k holds line A+k
	grep '^committed lines ' out > acks
	while read -r _ _ range _ _ entries; do
		a=${range%-*} b=${range#*-} x=${entries%-*}
		for k in 0 $((b - a)); do
			id=$("$SDX" show -L s.db $((x + k)) --json 2> /dev/null |
				jq -r '.payload.body.declaration_id // .body.declaration_id')
			if [ "$id" != "CRASH-$((a + k))" ]; then
				bad "declare trial $t: reported entry $((x + k)) (line $((a + k))) holds '$id'"
				cp out "/tmp/crash-out-$t"; cp s.db "/tmp/crash-$t.db"
			fi
		done
	done < acks
	grep -qi "locked\|busy" err && bad "declare trial $t: $(cat err)"
done
echo "ok - crash: declare --jsonl killed $TRIALS times, ledger verified after each"

# 2. import, killed mid-way: all or nothing, and a later import completes it
"$SDX" init -L big.db --origin example.com/big --unencrypted > /dev/null
"$SDX" declare -L big.db --jsonl many.jsonl --attach "$EX/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
"$SDX" export -L big.db --all -o big.sdxb > /dev/null
"$SDX" key show -L big.db --vkey > big.vkey
held() { "$SDX" inbox -L s.db --json | jq '[.[] | select(.origin == "example.com/big") | .entries] | add // 0'; }
t=0 imports=$(( (TRIALS + 3) / 4 ))
"$SDX" trust add -L base.db big.vkey > /dev/null
while [ $t -lt $imports ]; do
	t=$((t + 1))
	fresh
	"$SDX" import -L s.db big.sdxb > out 2> err &
	pid=$!
	pause_ms "$(rnd 700)"
	kill -9 $pid 2> /dev/null && kills=$((kills + 1))
	wait $pid 2> /dev/null
	check_ledger "import trial $t" || continue
	n=$(held)
	if [ "$n" != 0 ] && [ "$n" != 2001 ]; then
		bad "import trial $t: $n of 2001 entries held: half an import"
	fi
	"$SDX" import -L s.db big.sdxb > /dev/null 2>&1 || bad "import trial $t: a new import fails"
	[ "$(held)" = 2001 ] || bad "import trial $t: a new import holds $(held) entries"
	check_ledger "import trial $t, imported again"
done
check_ledger "import completed"
echo "ok - crash: import killed $imports times, all or nothing each time"

# 3. checkpoint, killed (with appends in between so there is something to sign)
fresh
t=0
while [ $t -lt "$TRIALS" ]; do
	t=$((t + 1))
	"$SDX" checkpoint -L s.db > /dev/null 2>&1 &
	pid=$!
	pause_ms "$(rnd 30)"
	kill -9 $pid 2> /dev/null && kills=$((kills + 1))
	wait $pid 2> /dev/null
	check_ledger "checkpoint trial $t"
	[ $((t % 10)) = 0 ] && "$SDX" declare -L s.db "$EX/pvc-compound-declaration.json" > /dev/null 2>&1
done
echo "ok - crash: checkpoint killed $TRIALS times"

echo "# crash: $kills processes killed, $checked verifications, $fail failures"
[ $fail = 0 ]
