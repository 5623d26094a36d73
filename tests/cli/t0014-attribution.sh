#!/bin/sh
# Trust and attribution (issue 14): an origin name is only a label.  A ledger
# that uses a trusted supplier's origin under a key of its own is untrusted
# (exit 3), never "equivocation" by the supplier it imitates; equivocation
# needs two checkpoints valid under the supplier's trusted key.  And an export
# refuses to forward an imported entry its own verify would reject.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
sdx init -L s.db --origin example.com/s --unencrypted > /dev/null
sdx init -L m.db --origin example.com/m --unencrypted > /dev/null
sdx key show -L s.db --vkey > s.vkey
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
cp s.db fork.db; cp s.key fork.key    # the genuine key, about to sign a second tree
sdx declare -L s.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx export -L s.db --all -o s.sdxb > /dev/null
sdx trust add -L m.db s.vkey > /dev/null
expect 0 "the manufacturer imports the genuine supplier" sdx import -L m.db s.sdxb

# the impostor: its own key, the supplier's origin name, the same tree size
sdx init -L i.db --origin example.com/s --unencrypted > /dev/null
sdx declare -L i.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx declare -L i.db "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx export -L i.db --all -o i.sdxb > /dev/null
check "the impostor's checkpoint has the size of the one held" \
	test "$(sdx inbox -L m.db --json | jq '.[0].tree_size')" = 3
sqlite3 m.db "SELECT count(*) FROM foreign_entries; SELECT count(*) FROM foreign_checkpoints; SELECT count(*) FROM entries" > before.txt
expect 3 "the impostor's bundle is refused as untrusted" sdx import -L m.db i.sdxb
golden impostor-import "names the key it is signed by, accuses nobody"
check "the message never says equivocation" sh -c "! grep -qi equivocation '$err'"
sqlite3 m.db "SELECT count(*) FROM foreign_entries; SELECT count(*) FROM foreign_checkpoints; SELECT count(*) FROM entries" > after.txt
check "nothing of it was written" cmp before.txt after.txt
expect 3 "verify of the bundle says the same" sdx verify -L m.db i.sdxb
golden impostor-verify "the key is not the one trusted for the origin"
expect 3 "trust on first use does not take a trusted origin's name" sdx import -L m.db i.sdxb --trust-on-first-use
golden impostor-tofu "refused, untrusted"
check "nothing of it was written either" sh -c "sqlite3 m.db 'SELECT count(*) FROM foreign_entries; SELECT count(*) FROM foreign_checkpoints; SELECT count(*) FROM entries' | cmp - before.txt"
expect 0 "the manufacturer's ledger still verifies" sdx verify -L m.db
# even a key trusted by mistake under that name accuses nobody: what is held
# was not signed by it, so the two trees are two parties', not one's lie
sdx key show -L i.db --vkey > i.vkey
cp m.db mk.db; cp m.key mk.key
sdx trust add -L mk.db i.vkey > /dev/null
expect 3 "a second trusted key for the origin is not evidence against the first" sdx import -L mk.db i.sdxb
golden impostor-trusted "refused: another key signed what is held"
check "no equivocation claimed" sh -c "! grep -qi equivocation '$err'"

# a real equivocation: the genuine key signs two trees of one size
sdx declare -L fork.db "$D/pp-food-contact-declaration.json" --attach "$D/reports/pp-migration-report-2026-0802.txt" > /dev/null 2>&1
sdx export -L fork.db --all -o fork.sdxb > /dev/null
expect 1 "two checkpoints of one size under the trusted key are equivocation" sdx import -L m.db fork.sdxb
golden fork-import "by the supplier, both checkpoints shown"
check "nothing of the fork was written" sh -c "sqlite3 m.db 'SELECT count(*) FROM foreign_entries; SELECT count(*) FROM foreign_checkpoints; SELECT count(*) FROM entries' | cmp - before.txt"

# forwarding: the manufacturer's export audits what it forwards
expect 0 "the imported entries forward while they verify" sdx export -L m.db --imported -o ok.sdxb
cp m.db m2.db; cp m.key m2.key
sqlite3 m2.db "DROP TRIGGER fentries_no_update;
  UPDATE foreign_entries SET data = CAST(substr(data, 1, 149) || CASE hex(substr(data, 150, 1)) WHEN '61' THEN 'b' ELSE 'a' END || substr(data, 151) AS BLOB) WHERE idx = 1;
  CREATE TRIGGER fentries_no_update BEFORE UPDATE ON foreign_entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
expect 1 "an imported entry changed behind sdx's back is not forwarded" sdx export -L m2.db --imported -o bad.sdxb
golden export-changed "names the entry"
check "and no bundle is written" test ! -e bad.sdxb
expect 1 "nor with --provenance of it" sdx export -L m2.db --provenance "$(sdx inbox -L m.db --entries --json | jq -r '.[1].leaf_hash')" -o bad.sdxb
check "no bundle there either" test ! -e bad.sdxb
cp m.db m3.db; cp m.key m3.key
sqlite3 m3.db "DROP TRIGGER fcp_no_update;
  UPDATE foreign_checkpoints SET note = CAST(replace(CAST(note AS TEXT), 'example.com/s', 'example.com/t') AS BLOB);
  CREATE TRIGGER fcp_no_update BEFORE UPDATE ON foreign_checkpoints BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
expect 1 "nor under a held checkpoint that was changed" sdx export -L m3.db --imported -o bad.sdxb
golden export-checkpoint-changed "names the checkpoint"
check "and no bundle is written" test ! -e bad.sdxb
