#!/bin/sh
# A ledger and a bundle written by an sdx from before the graph index
# (tests/data/v2, commit 9f37c08): read-only commands read the ledger whole and
# print what they printed then; the first writable open builds the index,
# after which trace, where-used and check print the same; verify passes
# before and after; the old bundle verifies and imports into a new ledger.
. "$(dirname "$0")/lib.sh"
# judged with the format 1 profiles (tests/data/profiles-v1): what they meant, they still mean
V1P=$DATA/profiles-v1

V2=$DATA/v2
gzip -dc "$V2/v2-maker.db.gz" > m.db
cp "$V2/v2-maker.key" m.key; chmod 600 m.key
cp "$V2/v2-maker.sdxb" m.sdxb
SHIP=21085994561d
has_index() { sqlite3 m.db "SELECT count(*) FROM sqlite_master WHERE name = 'graph_records'"; }

check "the old ledger has no graph index" test "$(has_index)" = 0
expect 0 "it verifies" sdx verify -L m.db
golden verify-before "nothing about an index"
expect 0 "trace reads it whole" sdx trace -L m.db "$SHIP"
golden trace "shipment, batch, the supplier's lot and report"
cp "$out" trace-before.txt
expect 0 "where-used reads it whole" sdx where-used -L m.db --lot HX2609-0417
cp "$out" used-before.txt
expect 6 "check reads it whole (a rule cannot be judged: exit 6)" sdx check -L m.db --profile "$V1P/cn-green-clearance-infant.json" "$SHIP"
golden check "every rule, with its reasons"
cp "$out" check-before.txt
check "read-only commands built no index" test "$(has_index)" = 0

expect 0 "a writable open builds the index" sdx checkpoint -L m.db
check "the index is there" test "$(has_index)" = 1
check "with the shipment, the batch and the imported declaration" \
	test "$(sqlite3 m.db 'SELECT count(*) FROM graph_records')" = 3
check "and the batch's input edge to the imported declaration" \
	test "$(sqlite3 m.db "SELECT count(*) FROM graph_edges WHERE lot = 'HX2609-0417'")" = 1
expect 0 "it verifies with the index" sdx verify -L m.db
expect 0 "trace from the index" sdx trace -L m.db "$SHIP"
check "prints what it printed before" cmp -s "$out" trace-before.txt
expect 0 "where-used from the index" sdx where-used -L m.db --lot HX2609-0417
check "prints what it printed before" cmp -s "$out" used-before.txt
expect 6 "check from the index" sdx check -L m.db --profile "$V1P/cn-green-clearance-infant.json" "$SHIP"
check "prints what it printed before" cmp -s "$out" check-before.txt

sdx key show -L m.db --vkey > maker.vkey
expect 0 "the old bundle verifies" sdx verify m.sdxb --trust maker.vkey --trust "$V2/v2-supplier.vkey"
sdx init -L x.db --origin example.com/exporter --unencrypted > /dev/null
sdx trust add -L x.db maker.vkey > /dev/null
sdx trust add -L x.db "$V2/v2-supplier.vkey" > /dev/null
expect 0 "and imports into a new ledger" sdx import -L x.db m.sdxb
expect 0 "whose index holds its records" sdx trace -L x.db "$SHIP"
check "trace prints the same chain" cmp -s "$out" trace-before.txt
expect 0 "the importer verifies" sdx verify -L x.db
