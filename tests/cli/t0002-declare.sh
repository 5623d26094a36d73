#!/bin/sh
# sdx declare: single files, attachments, bulk JSONL, withdrawals and every refusal.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
PVC=$D/pvc-compound-declaration.json
PVC_REPORT=$D/reports/cnas-l1234-report-2026-0917.txt
sdx init -L t.db --origin example.com/acme --unencrypted > /dev/null
size() { sdx log -L t.db | wc -l | tr -d ' '; }

expect 2 "a declaration citing a missing attachment is refused" sdx declare -L t.db "$PVC"
golden missing-attachment "names the file and the missing hash"
check "nothing was written" test "$(size)" = 1
expect 2 "the wrong report given with --attach is refused" \
	sdx declare -L t.db "$PVC" --attach "$D/reports/cnas-l9012-product-report-2026-1020.txt"
golden wrong-attach "names the cited hash and the hash the file given has"
check "nothing was written, the wrong report neither" test "$(size)" = 1

expect 0 "declare with its evidence" sdx declare -L t.db "$PVC" --attach "$PVC_REPORT"
golden declare "prints the entry and reports the attachment"
expect 0 "the same evidence is not needed twice" sdx declare -L t.db "$PVC"
golden declare-again "and is not reported again"
expect 0 "declare --json" sdx declare -L t.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" --json
golden declare-json "json names index, leaf hash and file"
check "json names index and leaf hash" test "$(jq -r '.[0].index' "$out")" = 3
leaf3=$(jq -r '.[0].leaf_hash' "$out")

printf '{"declaration_id": ' > bad.json
expect 2 "malformed JSON is refused" sdx declare -L t.db bad.json
golden bad-json "names file and position"
jq '.material.lots[0].quantity.value = "lots"' "$PVC" > wrongtype.json
expect 2 "a schema violation is refused" sdx declare -L t.db wrongtype.json
golden wrong-type "names the field"
jq 'del(.supplier)' "$PVC" > missing.json
expect 2 "a missing required field is refused" sdx declare -L t.db missing.json
golden missing-field "names the missing field"
printf '{"declaration_id":"A","declaration_id":"B"}' > dup.json
expect 2 "duplicate keys are refused" sdx declare -L t.db dup.json
golden duplicate-key "says duplicate"
printf '{"declaration_id":"\377\376"}' > utf.json
expect 2 "invalid UTF-8 is refused" sdx declare -L t.db utf.json
golden bad-utf8 "says where"
awk 'BEGIN { for (i = 0; i < 100; i++) printf "["; for (i = 0; i < 100; i++) printf "]" }' > deep.json
expect 2 "deep nesting is refused" sdx declare -L t.db deep.json
golden deep "says how deep"
expect 2 "a missing file is refused" sdx declare -L t.db nowhere.json
golden missing-file "names the missing file"
expect 2 "a missing attachment file is refused" sdx declare -L t.db "$PVC" --attach nowhere.pdf
golden missing-attach-file "names the attachment file"
expect 2 "a refused record with --attach stores no evidence" \
	sdx declare -L t.db wrongtype.json --attach "$D/reports/cnas-l9012-product-report-2026-1020.txt"
golden refused-with-attach "does not say 'attached' for what was rolled back"
expect 2 "several files: one bad, none written" sdx declare -L t.db "$PVC" wrongtype.json
check "still 4 entries" test "$(size)" = 4
golden several-files "names the bad one"
expect 2 "no file given" sdx declare -L t.db
golden no-file "says what is missing"
expect 2 "unknown --type" sdx declare -L t.db --type banana "$PVC"
golden bad-type "names the type"

# withdrawals name a declaration by leaf hash
jq --arg h "$leaf3" '.withdraws = $h' "$D/withdrawal.json" > wd.json
expect 0 "withdraw a declaration" sdx declare -L t.db --type withdrawal wd.json
golden withdraw "prints the entry"
jq '.withdraws = "00000000000000000000000000000000000000000000000000000000000000aa"' "$D/withdrawal.json" > wd-none.json
expect 2 "withdrawing an unknown entry is refused" sdx declare -L t.db --type withdrawal wd-none.json
golden withdraw-unknown "names the reference"
genesis=$(sdx show -L t.db 0 | sed -n 's/^leaf hash: //p')
jq --arg h "$genesis" '.withdraws = $h' "$D/withdrawal.json" > wd-gen.json
expect 2 "withdrawing a non-declaration is refused" sdx declare -L t.db --type withdrawal wd-gen.json
golden withdraw-genesis "says what it is"

# bulk JSONL: batches are all-or-nothing, the failing line is named
for i in 1 2 3 4 5; do jq -c --arg n "BULK-$i" '.declaration_id = $n' "$PVC"; done > bulk.jsonl
expect 0 "bulk declare" sdx declare -L t.db --jsonl bulk.jsonl --batch 2
golden bulk "reports batches and the total"
{ jq -c '.declaration_id = "B-1"' "$PVC"; jq -c '.declaration_id = "B-2"' "$PVC"; echo; jq -c '.declaration_id = "B-3"' "$PVC"; jq -c '.material.lots[0].quantity.value = "x"' "$PVC"; } > mixed.jsonl
expect 2 "bulk with a bad line" sdx declare -L t.db --jsonl mixed.jsonl --batch 2
golden bulk-bad-line "names the line and says what was kept"
check "first batch kept, failing batch dropped" test "$(size)" = 12
cat bulk.jsonl | sdx declare -L t.db --jsonl - > /dev/null
check "JSONL from stdin" test "$(size)" = 17
expect 0 "the ledger verifies after all that" sdx verify -L t.db
golden verify "17 entries"

# evidence stored first, cited later
sdx init -L att.db --origin example.com/att --unencrypted > /dev/null
expect 0 "attachment add prints the SHA-256 to cite" sdx attachment add -L att.db "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt"
check "the same as sha256sum says" test "$(cut -d' ' -f1 "$out")" = "$(sha256sum "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt" | cut -d' ' -f1)"
golden attachment-add "and the file"
expect 0 "a declaration citing it needs no --attach now" sdx declare -L att.db "$EXAMPLES/data/pvc-compound-declaration.json"
expect 2 "a missing file stores nothing" sdx attachment add -L att.db "$EXAMPLES/data/reports/pp-migration-report-2026-0802.txt" /nonexistent
golden attachment-add-missing "naming it"
expect 2 "so the first file was not stored either" sdx declare -L att.db "$EXAMPLES/data/pp-food-contact-declaration.json"
golden not-stored "the declaration names the missing report"
