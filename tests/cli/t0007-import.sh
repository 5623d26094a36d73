#!/bin/sh
# sdx import and sdx inbox: trusted imports, re-imports, equivocation.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
sdx init -L s.db --origin example.com/acme --unencrypted > /dev/null
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
cp s.db fork.db; cp s.key fork.key    # the same ledger and key, about to diverge
sdx declare -L s.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx export -L s.db --all -o b1.sdxb > /dev/null
sdx init -L m.db --origin example.com/maker --unencrypted > /dev/null

expect 3 "an untrusted bundle is refused" sdx import -L m.db b1.sdxb
golden untrusted "says why"
check "nothing was stored" test "$(sdx inbox -L m.db | wc -l)" = 0
sdx key show -L s.db --vkey > acme.vkey
sdx trust add -L m.db acme.vkey > /dev/null
expect 0 "a trusted bundle is imported" sdx import -L m.db b1.sdxb
golden import "says what"
expect 0 "importing again does nothing" sdx import -L m.db b1.sdxb
golden import-again "says so"
expect 0 "inbox" sdx inbox -L m.db
golden inbox "lists the origin"
expect 0 "the receipt is on the own chain" sdx log -L m.db --type import
golden log-import "receipt summary"
expect 0 "the importer's ledger verifies" sdx verify -L m.db
golden verify "counting the imported entries"
expect 0 "imported evidence can be read back" sdx attachment get -L m.db 0f6acfef83072dea3b5ace2dc79ebcb9adcced9ca515e28440318f96234ee960 -o report.txt
check "byte for byte" cmp report.txt "$D/reports/cnas-l1234-report-2026-0917.txt"

# a fork: the same key signs a different tree of the same size
sdx declare -L fork.db "$D/pp-food-contact-declaration.json" --attach "$D/reports/pp-migration-report-2026-0802.txt" > /dev/null 2>&1
sdx export -L fork.db --all -o fork.sdxb > /dev/null
expect 0 "the forked bundle is valid on its own" sdx verify fork.sdxb --trust acme.vkey
golden verify-fork "proved against its own checkpoint"
expect 1 "importing a fork is refused" sdx import -L m.db fork.sdxb
golden fork "as equivocation, showing the held checkpoint"
check "nothing of the fork was stored" test "$(sdx inbox -L m.db --json | jq '.[0].entries')" = 3

# growth is accepted: a later bundle proves consistency with what is held
sdx declare -L s.db "$D/pp-food-contact-declaration.json" --attach "$D/reports/pp-migration-report-2026-0802.txt" > /dev/null 2>&1
sdx export -L s.db 3 -o b2.sdxb > /dev/null
expect 0 "a later bundle is imported" sdx import -L m.db b2.sdxb
golden import-later "one entry more"
check "4 entries held" test "$(sdx inbox -L m.db --json | jq '.[0].entries')" = 4
expect 2 "import needs a bundle" sdx import -L m.db
golden import-nothing "says what is missing"
expect 2 "a missing bundle" sdx import -L m.db nowhere.sdxb
golden import-missing "names the file"
echo junk > junk.sdxb
expect 2 "a junk bundle" sdx import -L m.db junk.sdxb
golden import-junk "says not gzip"
expect 0 "still verifies" sdx verify -L m.db

# forwarding: the manufacturer passes the supplier's entries on to an exporter
expect 0 "export with --imported" sdx export -L m.db --all --imported -o fwd.sdxb
golden export-imported "own and forwarded entries"
sdx init -L x.db --origin example.com/exporter --unencrypted > /dev/null
sdx key show -L m.db --vkey > maker.vkey
sdx trust add -L x.db maker.vkey > /dev/null
expect 3 "the maker's word is not enough" sdx verify -L x.db fwd.sdxb
golden forward-untrusted "names the supplier"
sdx trust add -L x.db acme.vkey > /dev/null
expect 0 "with both keys trusted it verifies" sdx verify -L x.db fwd.sdxb
golden forward-verify "each ledger proved on its own"
expect 0 "the exporter imports it" sdx import -L x.db fwd.sdxb
golden forward-import "from both origins"
expect 0 "and holds both origins" sdx inbox -L x.db
golden forward-inbox "the supplier and the maker"

# sdx verify of the importer's own file checks the imported data again
expect 0 "verify re-checks imported entries" sdx verify -L m.db
golden verify-imported "and says so"
cp m.db m2.db
sqlite3 m2.db "DROP TRIGGER fentries_no_update;
  UPDATE foreign_entries SET data = CAST(substr(data, 1, 149) || CASE hex(substr(data, 150, 1)) WHEN '61' THEN 'b' ELSE 'a' END || substr(data, 151) AS BLOB) WHERE idx = 1;
  CREATE TRIGGER fentries_no_update BEFORE UPDATE ON foreign_entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
expect 1 "an imported entry changed behind sdx's back is caught" sdx verify -L m2.db
golden imported-entry-changed "and named"
cp m.db m3.db
sqlite3 m3.db "DROP TRIGGER fcp_no_update;
  UPDATE foreign_checkpoints SET note = CAST(replace(CAST(note AS TEXT), 'example.com/acme', 'example.com/acmf') AS BLOB);
  CREATE TRIGGER fcp_no_update BEFORE UPDATE ON foreign_checkpoints BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
expect 1 "an imported checkpoint changed is caught" sdx verify -L m3.db
golden imported-checkpoint-changed "and named"
