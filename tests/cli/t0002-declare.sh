#!/bin/sh
# sdx declare: single files, attachments, bulk JSONL, withdrawals and every refusal.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
PVC=$D/pvc-compound-declaration.json
PVC_REPORT=$D/reports/cnas-l1234-report-2026-0917.txt
sdx init -L t.db --origin example.com/acme --unencrypted > /dev/null
size() { sdx log -L t.db | wc -l | tr -d ' '; }

expect 2 "a declaration citing a missing attachment is refused" sdx declare -L t.db "$PVC"
expect_err "names the file and the missing hash" "'.*pvc-compound-declaration.json': attachment 0f6acfef[0-9a-f]{56} is not stored"
check "nothing was written" test "$(size)" = 1

expect 0 "declare with its evidence" sdx declare -L t.db "$PVC" --attach "$PVC_REPORT"
expect_out "prints the entry" "^entry 1 [0-9a-f]{64} .*pvc-compound-declaration.json$"
expect_err "reports the attachment" "attached .*cnas-l1234-report-2026-0917.txt \(1674 bytes\) 0f6acfef"
expect 0 "the same evidence is not needed twice" sdx declare -L t.db "$PVC"
expect 0 "declare --json" sdx declare -L t.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" --json
check "json names index and leaf hash" test "$(jq -r '.[0].index' "$out")" = 3
leaf3=$(jq -r '.[0].leaf_hash' "$out")

printf '{"declaration_id": ' > bad.json
expect 2 "malformed JSON is refused" sdx declare -L t.db bad.json
expect_err "names file and position" "'bad.json': .*invalid JSON at line 1"
jq '.material.lots[0].quantity.value = "lots"' "$PVC" > wrongtype.json
expect 2 "a schema violation is refused" sdx declare -L t.db wrongtype.json
expect_err "names the field" "material.lots\[0\].quantity.value"
jq 'del(.supplier)' "$PVC" > missing.json
expect 2 "a missing required field is refused" sdx declare -L t.db missing.json
expect_err "names the missing field" "supplier"
printf '{"declaration_id":"A","declaration_id":"B"}' > dup.json
expect 2 "duplicate keys are refused" sdx declare -L t.db dup.json
expect_err "says duplicate" "duplicate"
printf '{"declaration_id":"\377\376"}' > utf.json
expect 2 "invalid UTF-8 is refused" sdx declare -L t.db utf.json
awk 'BEGIN { for (i = 0; i < 100; i++) printf "["; for (i = 0; i < 100; i++) printf "]" }' > deep.json
expect 2 "deep nesting is refused" sdx declare -L t.db deep.json
expect 2 "a missing file is refused" sdx declare -L t.db nowhere.json
expect_err "names the missing file" "cannot open 'nowhere.json'"
expect 2 "a missing attachment file is refused" sdx declare -L t.db "$PVC" --attach nowhere.pdf
expect_err "names the attachment file" "nowhere.pdf"
expect 2 "several files: one bad, none written" sdx declare -L t.db "$PVC" wrongtype.json
check "still 4 entries" test "$(size)" = 4
expect 2 "no file given" sdx declare -L t.db
expect 2 "unknown --type" sdx declare -L t.db --type banana "$PVC"

# withdrawals name a declaration by leaf hash
jq --arg h "$leaf3" '.withdraws = $h' "$D/withdrawal.json" > wd.json
expect 0 "withdraw a declaration" sdx declare -L t.db --type withdrawal wd.json
jq '.withdraws = "00000000000000000000000000000000000000000000000000000000000000aa"' "$D/withdrawal.json" > wd-none.json
expect 2 "withdrawing an unknown entry is refused" sdx declare -L t.db --type withdrawal wd-none.json
expect_err "names the reference" "refers to entry 0{62}aa, which this ledger does not hold"
genesis=$(sdx show -L t.db 0 | sed -n 's/^leaf hash: //p')
jq --arg h "$genesis" '.withdraws = $h' "$D/withdrawal.json" > wd-gen.json
expect 2 "withdrawing a non-declaration is refused" sdx declare -L t.db --type withdrawal wd-gen.json
expect_err "says what it is" "which is a genesis, not a declaration"

# bulk JSONL: batches are all-or-nothing, the failing line is named
for i in 1 2 3 4 5; do jq -c --arg n "BULK-$i" '.declaration_id = $n' "$PVC"; done > bulk.jsonl
expect 0 "bulk declare" sdx declare -L t.db --jsonl bulk.jsonl --batch 2
expect_out "reports batches" "^committed lines 1-2 as entries 5-6$"
expect_out "reports the total" "^5 records committed$"
{ jq -c '.declaration_id = "B-1"' "$PVC"; jq -c '.declaration_id = "B-2"' "$PVC"; echo; jq -c '.declaration_id = "B-3"' "$PVC"; jq -c '.material.lots[0].quantity.value = "x"' "$PVC"; } > mixed.jsonl
expect 2 "bulk with a bad line" sdx declare -L t.db --jsonl mixed.jsonl --batch 2
expect_err "names the line" "'mixed.jsonl' line 5: .*material.lots\[0\].quantity.value"
expect_err "says what was kept" "2 records committed before the failure"
check "first batch kept, failing batch dropped" test "$(size)" = 12
cat bulk.jsonl | sdx declare -L t.db --jsonl - > /dev/null
check "JSONL from stdin" test "$(size)" = 17
expect 0 "the ledger verifies after all that" sdx verify -L t.db

# evidence stored first, cited later
sdx init -L att.db --origin example.com/att --unencrypted > /dev/null
expect 0 "attachment add prints the SHA-256 to cite" sdx attachment add -L att.db "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt"
check "the same as sha256sum says" test "$(cut -d' ' -f1 "$out")" = "$(sha256sum "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt" | cut -d' ' -f1)"
expect 0 "a declaration citing it needs no --attach now" sdx declare -L att.db "$EXAMPLES/data/pvc-compound-declaration.json"
expect 2 "a missing file stores nothing" sdx attachment add -L att.db "$EXAMPLES/data/reports/pp-migration-report-2026-0802.txt" /nonexistent
expect_err "naming it" "'/nonexistent'"
expect 2 "so the first file was not stored either" sdx declare -L att.db "$EXAMPLES/data/pp-food-contact-declaration.json"
