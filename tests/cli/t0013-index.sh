#!/bin/sh
# The graph index (formats/ledger.md, "Indexes"): built with every append,
# checked by verify (a changed, missing or extra row is named), rebuilt by
# sdx reindex, built on the first writable open of an older ledger.
. "$(dirname "$0")/lib.sh"

mk() { # a ledger with two declarations
	rm -f t.db t.key t.db-wal t.db-shm
	sdx init -L t.db --origin example.com/acme --unencrypted > /dev/null &&
	sdx declare -L t.db "$EXAMPLES/data/pvc-compound-declaration.json" \
		--attach "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1 &&
	sdx declare -L t.db "$EXAMPLES/data/pigment-declaration.json" \
		--attach "$EXAMPLES/data/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
}
sql() { sqlite3 t.db "$1"; }
dump() { sql "SELECT hex(leaf), own, origin, idx, type FROM graph_records ORDER BY 1;
	SELECT kind, value, hex(leaf) FROM graph_ids ORDER BY 1, 2, 3;
	SELECT hex(src), n, edge, hex(dst), lot, role FROM graph_edges ORDER BY 1, 2;
	SELECT * FROM graph_state"; }

check "make a ledger" mk
check "appends wrote the index" test "$(sql 'SELECT count(*) FROM graph_records')" = 2
check "with the lots the declarations cover" \
	test "$(sql "SELECT count(*) FROM graph_ids WHERE kind = 'lot'")" -ge 2
dump > before.txt
expect 0 "sdx reindex" sdx reindex -L t.db
golden reindex "says what it indexed"
dump > after.txt
check "the rebuilt index equals the one appends wrote" cmp -s before.txt after.txt
expect 0 "sdx reindex --json" sdx reindex -L t.db --json
golden reindex-json "the counts as JSON"
expect 2 "reindex takes no argument" sdx reindex -L t.db extra
golden reindex-usage "and says so"

sql "UPDATE graph_ids SET value = 'HX0000-0000' WHERE kind = 'declaration_id' AND leaf = (SELECT leaf FROM graph_records WHERE idx = 1)"
expect 1 "a changed index row fails verify" sdx verify -L t.db
golden tampered-id "names the row no entry gives"
expect 0 "reindex repairs it" sdx reindex -L t.db
expect 0 "and verify passes again" sdx verify -L t.db

sql "UPDATE graph_records SET time = '2020-01-01T00:00:00Z' WHERE idx = 2"
expect 1 "a changed record row fails verify" sdx verify -L t.db
golden tampered-record "names the row and says it differs"
sdx reindex -L t.db > /dev/null

sql "DELETE FROM graph_ids WHERE kind = 'lot' AND leaf = (SELECT leaf FROM graph_records WHERE idx = 2)"
expect 1 "a deleted index row fails verify" sdx verify -L t.db
golden missing-row "names the missing row"
sdx reindex -L t.db > /dev/null

sql "INSERT INTO graph_ids VALUES('batch_id', 'B-404', randomblob(32))"
expect 1 "an extra index row fails verify" sdx verify -L t.db
expect_err "names the extra row" "graph_ids\(kind 'batch_id', value 'B-404', leaf [0-9a-f]{64}\) is not derived from any entry"
sdx reindex -L t.db > /dev/null

# an sdx without the index appended: the index is behind, verify says so,
# and readers read the ledger whole until it is rebuilt
sql "UPDATE graph_state SET own_size = 2"
expect 1 "an index behind the entries fails verify" sdx verify -L t.db
golden behind "names the state row"
expect 0 "trace still works, reading the ledger whole" sdx trace -L t.db 1
cp "$out" whole.txt
sdx reindex -L t.db > /dev/null
expect 0 "trace from the index" sdx trace -L t.db 1
check "prints the same" cmp -s "$out" whole.txt

# a ledger written before the index: read-only commands read it whole; the
# first writable open builds the index
gunzip -c "$DATA/v1/v1.db.gz" > v1.db
expect 0 "an old ledger verifies, without an index" sdx verify -L v1.db
check "a read-only open builds nothing" \
	test -z "$(sqlite3 v1.db "SELECT name FROM sqlite_master WHERE name = 'graph_records'")"
expect 0 "trace on it reads it whole" sdx trace -L v1.db 1
cp "$out" v1-whole.txt
expect 0 "a writable open (checkpoint) migrates it" sdx checkpoint -L v1.db
check "the index is there, at version 1" \
	test "$(sqlite3 v1.db "SELECT version FROM index_versions WHERE name = 'graph'")" = 1
check "with both declarations" test "$(sqlite3 v1.db 'SELECT count(*) FROM graph_records')" = 2
expect 0 "the migrated ledger verifies, index included" sdx verify -L v1.db
expect 0 "trace from the index" sdx trace -L v1.db 1
check "prints what the whole read printed" cmp -s "$out" v1-whole.txt
