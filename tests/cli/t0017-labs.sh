#!/bin/sh
# t0017: sdx lab - lab accreditation registers in the ledger: import, the
# re-import that changes nothing, a new version, a bad file refused whole
# naming its line and column (nothing written), show, list, older ledgers.
. "$(dirname "$0")/lib.sh"

REG=$EXAMPLES/data/labs/example-register.csv
rows() { sqlite3 "$1" 'SELECT count(*) FROM registers'; }
sdx init -L l.db --origin example.com/lab-user --unencrypted > /dev/null

expect 0 "lab --help" sdx lab --help
golden help "documents the three verbs and the files"
expect 0 "list of an empty ledger" sdx lab list -L l.db
golden list-empty "says none is held"

expect 0 "import the example register" sdx lab import -L l.db "$REG"
golden import "prints name, version, labs and sha256"
check "one row" test "$(rows l.db)" = 1
h=$(sha256sum "$REG" | cut -c1-64)
check "the sha256 is the file's" grep -q "sha256 $h" "$out"
expect 0 "import it again" sdx lab import -L l.db "$REG"
golden reimport "is a no-op that says so"
check "still one row" test "$(rows l.db)" = 1

# the same content in another order and spacing is the same register
{ head -n 1 "$REG"; tail -n +2 "$REG" | sort -r | sed 's/;/ ; /g'; } > shuffled.csv
expect 0 "the same labs, reordered" sdx lab import -L l.db shuffled.csv --name example-register
golden reimport-reordered "is unchanged too"
check "still one row" test "$(rows l.db)" = 1

# CNAS L7777 renewed: a new version
sed 's/2020-01-01,2025-12-31,active/2026-01-01,2031-12-31,active/' "$REG" > renewed.csv
expect 0 "changed content" sdx lab import -L l.db renewed.csv --name example-register
golden new-version "is version 2"
check "two rows" test "$(rows l.db)" = 2
expect 0 "show the renewed lab" sdx lab show -L l.db "CNAS L7777"
golden show-renewed "from version 2"

# a bad file: refused whole, naming line and column, nothing written
sed '7s/2031-12-31/2031-12-32/' renewed.csv > bad-date.csv
sdx lab list -L l.db > before.txt
expect 2 "a bad date" sdx lab import -L l.db bad-date.csv --name example-register
golden bad-date "names file, line 7 and column valid_until"
check "nothing written" test "$(rows l.db)" = 2
sdx lab list -L l.db > after.txt
check "list unchanged" cmp -s before.txt after.txt
sed '3s/^CNAS,CNAS L5678/XYZ,CNAS L5678/' "$REG" > bad-body.csv
expect 2 "an unknown accreditation body" sdx lab import -L l.db bad-body.csv
golden bad-body "says which bodies are accepted"
sed '4s/Pb;Cd;Hg/Pb;;Hg/' "$REG" > bad-list.csv
expect 2 "an empty scope item" sdx lab import -L l.db bad-list.csv
golden bad-list "names line 4, column scope_items"
{ cat "$REG"; tail -n 1 "$REG"; } > dup.csv
expect 2 "a number listed twice" sdx lab import -L l.db dup.csv
golden duplicate "names both lines"
printf 'body,number,lab\n' > bad-header.csv
expect 2 "an unknown column" sdx lab import -L l.db bad-header.csv
golden bad-header "lists the columns"
{ head -n 1 "$REG"; printf 'CNAS,"CNAS L1\n'; } > unclosed.csv
expect 2 "a quoted field not closed" sdx lab import -L l.db unclosed.csv
golden unclosed "names the line"
expect 2 "a missing file" sdx lab import -L l.db none.csv
golden missing "names it"
check "nothing written by any of them" test "$(rows l.db)" = 2

# JSON: another register, its members named in errors
cat > ukas.json <<'EOF'
{ "format": "sdx-lab-register/1",
  "labs": [ { "body": "UKAS", "number": "0001", "lab_name": "Example UK Lab (EXAMPLE DATA)",
              "country": "GB", "scope_standards": ["EN 71-3:2019"], "scope_items": ["Pb"],
              "valid_from": "2025-01-01", "valid_until": "2029-12-31", "status": "active",
              "note": "EXAMPLE DATA for the sdx tests - not an official register" } ] }
EOF
expect 0 "a JSON register" sdx lab import -L l.db ukas.json --json
golden import-json "as JSON"
check "stored" test "$(jq -r .stored "$out")" = true
sed 's/"2029-12-31"/"31.12.2029"/' ukas.json > bad.json
expect 2 "a bad JSON member" sdx lab import -L l.db bad.json --name ukas
golden bad-json "names labs[0].valid_until"

expect 0 "list" sdx lab list -L l.db
golden list "every register and version, the newest marked"
expect 0 "list --json" sdx lab list -L l.db --json
check "three versions" test "$(jq length "$out")" = 3
check "two latest" test "$(jq '[.[] | select(.latest)] | length' "$out")" = 2
expect 0 "show a suspended lab" sdx lab show -L l.db "CNAS L3456"
golden show-suspended "with the date, scope, note and register"
expect 0 "show by number without prefix, under its body" sdx lab show -L l.db L1234 --body CNAS --json
check "from version 2" test "$(jq '.[0].register.version' "$out")" = 2
check "labelled example data" sh -c "jq -r '.[0].note' '$out' | grep -q 'not an official register'"
expect 2 "show an unknown number" sdx lab show -L l.db "CNAS L4321"
golden show-unknown "says no register holds it"
expect 2 "show under another body" sdx lab show -L l.db "CNAS L1234" --body CMA
expect 2 "no verb" sdx lab -L l.db
golden usage "prints the usage"
expect 2 "list takes no operand" sdx lab list -L l.db x
expect 2 "--name is for import" sdx lab show -L l.db "CNAS L1234" --name x
golden name-not-import "says where it applies"

expect 0 "verify with registers" sdx verify -L l.db
check "registers are append-only" sh -c "! sqlite3 l.db 'DELETE FROM registers' 2>/dev/null"
check "the rows are still there" test "$(rows l.db)" = 3

# a ledger written before registers existed: read as it is, upgraded by import
gzip -dc "$DATA/v2/v2-maker.db.gz" > old.db
expect 0 "list of an older ledger" sdx lab list -L old.db
check "read-only left it as it was" test "$(sqlite3 old.db 'PRAGMA user_version')" = 6
expect 0 "import into an older ledger" sdx lab import -L old.db "$REG"
check "upgraded" test "$(sqlite3 old.db 'PRAGMA user_version')" = 14
expect 0 "which still verifies" sdx verify -L old.db
