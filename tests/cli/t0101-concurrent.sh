#!/bin/sh
# Concurrent writers: two, then four processes append to one ledger at once
# while another signs checkpoints in a loop.  Every entry lands, the chain
# stays linear (verify), no "database is locked" reaches anyone, and every
# checkpoint extends the one before (verify checks each against the tree).
. "$(dirname "$0")/lib.sh"

EX=$EXAMPLES/data
sdx init -L c.db --origin example.com/conc --unencrypted > /dev/null
sdx declare -L c.db "$EX/pvc-compound-declaration.json" --attach "$EX/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
jq -c . "$EX/pvc-compound-declaration.json" > one.json

run_writers() {  # $1 writers, $2 lines each, $3 a letter for this round's ids
	w=0
	while [ $w -lt "$1" ]; do
		w=$((w + 1))
		awk -v n="$2" -v w="$3$w" '{ for (i = 1; i <= n; i++) { s = $0; sub(/"HX-DOC-2026-0920-01"/, "\"" w "-" i "\"", s); print s } }' one.json > w$w.jsonl
	done
	: > stop
	( while [ -e stop ]; do sdx checkpoint -L c.db > /dev/null 2>> cp.err; done ) &
	cpid=$!
	w=0
	while [ $w -lt "$1" ]; do
		w=$((w + 1))
		sdx declare -L c.db --jsonl w$w.jsonl --batch 7 > w$w.out 2> w$w.err &
	done
	fails=0
	for job in $(jobs -p); do
		[ "$job" = "$cpid" ] && continue
		wait "$job" || fails=$((fails + 1))
	done
	rm -f stop
	wait $cpid
	echo $fails
}

before=$(sdx log -L c.db | wc -l)
check "two writers all succeed" test "$(run_writers 2 150 A)" = 0
check "every entry of both landed" test "$(sdx log -L c.db | wc -l)" = $((before + 300))
check "nobody saw the lock" sh -c "! grep -il 'locked\|busy' w*.err cp.err"
expect 0 "the chain is linear and every checkpoint verifies" sdx verify -L c.db

before=$(sdx log -L c.db | wc -l)
check "four writers all succeed" test "$(run_writers 4 100 B)" = 0
check "every entry of all four landed" test "$(sdx log -L c.db | wc -l)" = $((before + 400))
check "nobody saw the lock" sh -c "! grep -il 'locked\|busy' w*.err cp.err"
expect 0 "the chain is linear and every checkpoint verifies" sdx verify -L c.db
# every declaration id in ledger order, straight from the signed payloads: the
# envelopes of a bundle of every entry (the ledger file stores them compressed
# since schema 14, formats/ledger.md), in order
sdx export -L c.db --all -o all.sdxb > /dev/null
mkdir all && (cd all && tar -xzf ../all.sdxb)
grep -ao '{"payload":"[A-Za-z0-9+/=]*"' all/ledgers/0/entries | cut -d'"' -f4 |
	while read -r p; do printf '%s' "$p" | base64 -d; echo; done |
	jq -r '.body.declaration_id // empty' > ids
check "every record of every writer is there exactly once" \
	test "$(grep -c '^B[1-4]-' ids)" = 400 -a "$(grep '^B[1-4]-' ids | sort -u | wc -l)" = 400
check "each writer's records stay in its own order" sh -c '
	for w in 1 2 3 4; do
		grep "^B$w-" ids | cut -d- -f2 > got.$w
		sort -n got.$w | cmp -s - got.$w || exit 1
	done'

# Writers that open a ledger of an older format at once: one upgrades it, none
# fails (found by the torture helper: "table ... already exists").
sdx init -L old.db --origin example.com/old --unencrypted > /dev/null
cp old.key up.key
bad= a=0
while [ "$a" -lt 10 ] && [ -z "$bad" ]; do
	a=$((a + 1))
	rm -f up.db up.db-wal up.db-shm up.fail
	cp old.db up.db
	sqlite3 up.db "DROP TABLE trusted_keys; DROP TABLE foreign_checkpoints;
		DROP TABLE foreign_entries; DROP TABLE imports; DROP TABLE revoked_keys;
		DROP TABLE foreign_keys; DROP TABLE foreign_consistency; DROP TABLE registers;
		DROP TABLE bindings; DROP TABLE binding_ids; DROP TABLE binding_roles;
		DROP TABLE intro_policy; DROP TABLE introduced_keys; DROP TABLE own_introductions;
		DROP TABLE api_tokens; DROP TABLE cosignatures; DROP TABLE witness_logs;
		DROP TABLE witness_heads; DROP TABLE disclosures; PRAGMA user_version = 1;"
	for w in 1 2 3 4; do
		{ sdx declare -L up.db "$EX/pvc-compound-declaration.json" \
			--attach "$EX/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2> up.$w.err ||
			echo "attempt $a, writer $w: $(cat up.$w.err)" >> up.fail; } &
	done
	wait
	if [ -s up.fail ]; then bad=$(head -n 1 up.fail)
	elif [ "$(sdx log -L up.db | wc -l)" != 5 ]; then bad="attempt $a: $(sdx log -L up.db | wc -l) entries"
	elif ! sdx verify -L up.db > /dev/null 2> up.err; then bad="attempt $a: $(cat up.err)"
	fi
done
check "4 writers upgrade a format-1 ledger at once, 10 times${bad:+: $bad}" test -z "$bad"
