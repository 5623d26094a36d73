#!/bin/sh
# sdx verify on a good ledger and after tampering through raw SQL.
. "$(dirname "$0")/lib.sh"

mk() { # a fresh ledger with a few declarations and one attachment
	rm -f t.db t.key t.db-wal t.db-shm
	sdx init -L t.db --origin example.com/acme --unencrypted > /dev/null &&
	sdx declare -L t.db "$EXAMPLES/data/pvc-compound-declaration.json" \
		--attach "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1 &&
	sdx declare -L t.db "$EXAMPLES/data/pigment-declaration.json" \
		--attach "$EXAMPLES/data/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
}
sql() { sqlite3 t.db "$1"; }
unlock() { sql "DROP TRIGGER ${1}_no_update; DROP TRIGGER ${1}_no_delete;"; }
relock() { sql "CREATE TRIGGER ${1}_no_update BEFORE UPDATE ON $2 BEGIN SELECT RAISE(ABORT, 'x'); END; CREATE TRIGGER ${1}_no_delete BEFORE DELETE ON $2 BEGIN SELECT RAISE(ABORT, 'x'); END;"; }

check "make a ledger" mk
expect 0 "verify a good ledger" sdx verify -L t.db
golden verify "verify reports counts"
expect 0 "verify --json" sdx verify -L t.db --json
golden verify-json "json ok, with the counts"
expect 0 "verify with one thread" sdx verify -L t.db --threads 1
golden verify-threads "says one thread"
expect 0 "verify --bodies parses every body too" sdx verify -L t.db --bodies
golden verify-bodies "and says so"

check "append-only triggers refuse UPDATE" sh -c '! sqlite3 t.db "UPDATE entries SET type = 1" 2>/dev/null'
check "append-only triggers refuse DELETE" sh -c '! sqlite3 t.db "DELETE FROM checkpoints" 2>/dev/null'

unlock entries
sql "UPDATE entries SET data = CAST(substr(data, 1, 40) || CASE substr(data, 41, 1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(data, 42) AS BLOB) WHERE idx = 1;"
relock entries entries
expect 1 "a flipped entry byte fails verify" sdx verify -L t.db
golden flipped-byte "names the entry, caught by the hash the checkpoint signs"
expect 1 "--signatures: a flipped entry byte fails verify" sdx verify -L t.db --signatures
golden flipped-byte-signatures "names the entry, caught by its signature"
expect 0 "show still prints the damaged entry" sdx show -L t.db 1
golden show-damaged "show flags its signature"

# an entry after the last checkpoint has only its signature to vouch for it
mk; unlock checkpoints; sql "DELETE FROM checkpoints WHERE size = 3;"; relock checkpoints checkpoints
expect 0 "without its last checkpoint the ledger still verifies" sdx verify -L t.db
unlock entries
sql "UPDATE entries SET data = CAST(substr(data, 1, 40) || CASE substr(data, 41, 1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(data, 42) AS BLOB) WHERE idx = 2;"
relock entries entries
expect 1 "a flipped byte after the last checkpoint fails verify" sdx verify -L t.db
golden flipped-uncovered "caught by its signature"

# the stored columns must say what the signed payload says
mk; unlock entries; sql "UPDATE entries SET time = '2020-01-01T00:00:00Z' WHERE idx = 1;"; relock entries entries
expect 1 "a changed time column fails verify" sdx verify -L t.db
golden time-column "names the time"
mk; unlock entries; sql "UPDATE entries SET type = 'batch' WHERE idx = 2;"; relock entries entries
expect 1 "a changed type column fails verify" sdx verify -L t.db
golden type-column "names the type"

mk; unlock entries; sql "DELETE FROM entries WHERE idx = 1;"; relock entries entries
expect 1 "a deleted entry fails verify" sdx verify -L t.db
golden deleted-entry "names the missing entry"

mk; unlock entries; sql "DELETE FROM entries WHERE idx = 2;"; relock entries entries
expect 1 "a deleted last entry fails verify" sdx verify -L t.db
golden deleted-last "names the checkpoint"

mk; unlock nodes; sql "UPDATE nodes SET hash = randomblob(32) WHERE level = 1 AND idx = 0;"; relock nodes nodes
expect 1 "a changed tree hash fails verify" sdx verify -L t.db
golden tree-hash "names the hash"

mk; unlock checkpoints; sql "UPDATE checkpoints SET note = CAST(replace(CAST(note AS TEXT), char(10) || '3' || char(10), char(10) || '4' || char(10)) AS BLOB) WHERE size = 3;"; relock checkpoints checkpoints
expect 1 "a changed checkpoint fails verify" sdx verify -L t.db
golden checkpoint-changed "names the checkpoint"

mk; sql "DROP TRIGGER entries_no_delete;"
expect 1 "a dropped trigger fails verify" sdx verify -L t.db
golden dropped-trigger "names the trigger"

mk; unlock chunks; sql "UPDATE attachment_chunks SET data = CAST('forged report' AS BLOB);"; relock chunks attachment_chunks
expect 1 "a changed attachment fails verify" sdx verify -L t.db
golden attachment-changed "names the attachment"

mk; unlock keys; sql "UPDATE keys SET pubkey = randomblob(32);"; relock keys keys
expect 1 "a swapped public key fails verify" sdx verify -L t.db
golden key-swapped "names entry 0"
