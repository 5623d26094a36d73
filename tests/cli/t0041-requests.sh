#!/bin/sh
# Requests (formats/request.md): a manufacturer's request travels to its
# supplier, sdx due lists it on both sides until a declaration citing it is
# held, signed by the supplier asked.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
HX="Ningbo Haixing Polymer Materials Co., Ltd."
sdx init -L m.db --origin example.com/maker --unencrypted > /dev/null
sdx init -L s.db --origin example.com/haixing --unencrypted > /dev/null
sdx party set -L m.db --name "Cixi Little Harbour Toys Co., Ltd." --id USCI:91330282MA2CX7LH5B \
	--country CN --role manufacturer > /dev/null
sdx party set -L s.db --name "$HX" --id USCI:91330206MA2H7K5Q3E --country CN --role supplier > /dev/null
sdx key show -L m.db --vkey > m.vkey
sdx key show -L s.db --vkey > s.vkey
sdx trust add -L s.db m.vkey > /dev/null
sdx trust add -L m.db s.vkey > /dev/null

expect 0 "m asks its supplier" sdx request -L m.db --id REQ-2612-001 --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile reach-phthalates --lot HX2610-0102 \
	--due 2026-12-20 --issued 2026-12-01
expect_out "one entry, named by its id" "^entry 1 [0-9a-f]{64} request 'REQ-2612-001'$"
expect 6 "due on m: open, falling due" sdx due -L m.db --date 2026-12-10
expect_out "names it" "DUE +2026-12-20 \(in 10 days\)  request REQ-2612-001 of Cixi .* to $HX \(reach-phthalates for lot HX2610-0102\), due 2026-12-20, is not answered"
expect 5 "overdue past its due date" sdx due -L m.db --date 2026-12-21
expect_out "says so" "OVERDUE 2026-12-20 \(1 day ago\)  request REQ-2612-001"
expect 0 "not yet due outside the window" sdx due -L m.db --date 2026-12-10 --within 5

sdx export -L m.db --all -o req.sdxb > /dev/null
expect 0 "s imports the request" sdx import -L s.db req.sdxb
expect 6 "due on s lists it" sdx due -L s.db --date 2026-12-10 --json
check "as asked of s" test "$(jq -r '.items[] | [.what, .status, .side, .request_id] | join(" ")' "$out")" = \
	"request open asked of us REQ-2612-001"
ref=$(jq -r '.items[0].record.ref' "$out")

# a declaration that answers it (declaration version 3)
jq --arg h "$ref" '.format = "sdx-declaration/3" | .answers = {entry: $h, request_id: "REQ-2612-001"}' \
	"$D/pvc-toy-grade-declaration.json" > answer.json
expect 0 "s declares with answers" sdx declare -L s.db answer.json --attach "$R/cnas-l1234-report-2026-1006.txt"
expect 0 "no longer open on s" sdx due -L s.db --date 2026-12-10
check "nothing listed" sh -c "! grep -q REQ-2612 '$out'"

# the provenance of the answer carries the request it answers
expect 0 "export --provenance of the answer" sdx export -L s.db --provenance HX-DOC-2026-1008-02 -o prov.sdxb
expect_out "two entries" "^wrote prov.sdxb: 2 entries"
sdx init -L b.db --origin example.com/buyer --unencrypted > /dev/null
sdx trust add -L b.db m.vkey > /dev/null
sdx trust add -L b.db s.vkey > /dev/null
expect 0 "a buyer imports it" sdx import -L b.db prov.sdxb
expect 0 "and holds the request" sdx inbox -L b.db --entries
expect_out "from the manufacturer" "^example.com/maker +1 +request +[0-9a-f]{16} +request REQ-2612-001 to $HX: reach-phthalates, due 2026-12-20$"
expect 0 "due on the buyer: neither asked by it nor of it" sdx due -L b.db --date 2026-12-21
check "nothing listed" sh -c "! grep -q REQ-2612 '$out'"

sdx export -L s.db --all -o answer.sdxb > /dev/null
expect 0 "m imports the answer" sdx import -L m.db answer.sdxb
expect 6 "m does not yet know who signed it" sdx due -L m.db --date 2026-12-10
expect_out "and says why it stays open" "declaration HX-DOC-2026-1008-02 answers it, but is signed with key example.com/haixing\+[0-9a-f]+, which is bound to no party"
expect 0 "m binds the supplier's key" sdx trust bind -L m.db s.vkey --name "$HX" \
	--id USCI:91330206MA2H7K5Q3E --country CN --role supplier
expect 0 "now closed on m, even past its due date" sdx due -L m.db --date 2026-12-21
check "nothing listed" sh -c "! grep -q REQ-2612 '$out'"

# sdx declare --answers: a third request, answered by its id
expect 0 "a third request" sdx request -L m.db --id REQ-2612-003 --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile reach-phthalates --rule entry-51 \
	--lot HX2609-0417 --due 2026-12-30
sdx export -L m.db --all -o req3.sdxb > /dev/null
expect 0 "s imports it" sdx import -L s.db req3.sdxb
expect 6 "open on s" sdx due -L s.db --date 2026-12-10
expect_out "names it" "request REQ-2612-003 .*is not answered"
expect 2 "--answers names a request" sdx declare -L s.db --answers HX-DOC-2026-1008-02 \
	"$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt"
expect_err "says what it names" "--answers: 'HX-DOC-2026-1008-02' is a declaration, not a request"
expect 0 "s declares --answers REQ-2612-003" sdx declare -L s.db --answers REQ-2612-003 \
	"$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt"
expect 0 "the declaration" sdx show -L s.db HX-DOC-2026-0920-01 --json
check "is version 3, answering it" test "$(jq -r '.payload.body | [.format, .answers.request_id] | join(" ")' "$out")" = \
	"sdx-declaration/3 REQ-2612-003"
# a version 4 declaration (threshold statements) answering it stays version 4
jq '.format = "sdx-declaration/4" | .declaration_id = "HX-DOC-2026-0920-04" |
	.statements = [{statement: "sum_at_most", substances: ["Pb", "Cd", "Hg", "Cr(VI)"],
	limit: {value: 100, unit: "mg/kg"}, measured_by: "E1"}]' \
	"$D/pvc-compound-declaration.json" > v4.json
expect 0 "s declares a version 4 one --answers REQ-2612-003" sdx declare -L s.db \
	--answers REQ-2612-003 v4.json --attach "$R/cnas-l1234-report-2026-0917.txt"
expect 0 "that declaration" sdx show -L s.db HX-DOC-2026-0920-04 --json
check "is version 4, answering it, with its statement" test "$(jq -r '.payload.body |
	[.format, .answers.request_id, .statements[0].statement] | join(" ")' "$out")" = \
	"sdx-declaration/4 REQ-2612-003 sum_at_most"
expect 0 "closed on s" sdx due -L s.db --date 2026-12-10
check "nothing listed" sh -c "! grep -q REQ-2612 '$out'"
sdx export -L s.db --all -o answer3.sdxb > /dev/null
expect 0 "m imports it" sdx import -L m.db answer3.sdxb
expect 0 "closed on m" sdx due -L m.db --date 2026-12-10 --json
check "no request listed" test "$(jq '[.items[] | select(.what == "request")] | length' "$out")" = 0

# an answer from someone else (m restating it) does not close a request
expect 0 "a second request" sdx request -L m.db --id REQ-2612-002 --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile reach-phthalates --material "PVC compound" --due 2026-12-15
ref2=$(sdx show -L m.db REQ-2612-002 --json | jq -r .leaf_hash)
jq --arg h "$ref2" '.format = "sdx-declaration/3" | .declaration_id = "HX-RESTATED-1" |
	.answers = {entry: $h, request_id: "REQ-2612-002"}' "$D/pvc-toy-grade-declaration.json" > restated.json
expect 0 "m restates the supplier's answer" sdx declare -L m.db restated.json --attach "$R/cnas-l1234-report-2026-1006.txt"
expect 5 "still open, overdue" sdx due -L m.db --date 2026-12-21
expect_out "restated: does not close it" "OVERDUE 2026-12-15 .*request REQ-2612-002 .*declaration HX-RESTATED-1 answers it, but is restated by Cixi"

# an id is its requester's once; a changed request supersedes the old one
expect 2 "the same request id again" sdx request -L m.db --id REQ-2612-002 --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile reach-phthalates --due 2027-01-10
expect_err "is refused" "request_id: 'REQ-2612-002' is already the id of request entry [0-9a-f]{16} \(example.com/maker #[0-9]+\) of the same manufacturer; a record that repeats it must supersede that one"
expect 0 "a later due date, superseding it" sdx request -L m.db --id REQ-2612-002 --supersedes "$ref2" \
	--to "$HX" --to-id USCI:91330206MA2H7K5Q3E --profile reach-phthalates --due 2027-01-10
expect 6 "only the new one is listed, not yet due" sdx due -L m.db --date 2026-12-21 --json
check "open, due 2027-01-10" test "$(jq -r '[.items[] | select(.what == "request") | [.request_id, .status, .date] | join(" ")] | join(";")' "$out")" = \
	"REQ-2612-002 open 2027-01-10"

# bad input: named, nothing written
n=$(sdx log -L m.db | wc -l)
expect 2 "a request needs a due date" sdx request -L m.db --id REQ-X --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile reach-phthalates
expect_err "says what it needs" "a request needs --id, --to, --to-id, --profile, --due"
expect 2 "due before issued" sdx request -L m.db --id REQ-X --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile reach-phthalates --due 2026-11-01 --issued 2026-12-01
expect_err "names the field" "due: 2026-11-01 is before the request's issued 2026-12-01"
jq '.answers.entry = "'"$(printf '%064d' 0)"'"' answer.json > bad.json
expect 2 "answers must name a held request" sdx declare -L m.db bad.json --attach "$R/cnas-l1234-report-2026-1006.txt"
expect 2 "a profile this sdx does not know" sdx request -L m.db --id REQ-X --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile no-such-profile --due 2026-12-20
expect_err "is named" "no profile named 'no-such-profile'"
expect 0 "a profile file is named by its name" sdx request -L m.db --id REQ-X --to "$HX" \
	--to-id USCI:91330206MA2H7K5Q3E --profile "$EXAMPLES/../formats/profiles/eu-rohs.json" \
	--due 2026-12-20 --dry-run
check "in the record" test "$(sed -n '/^{/,/^}/p' "$out" | jq -c .profiles)" = '["eu-rohs"]'
jq '.answers.request_id = "REQ-OTHER"' restated.json > other.json
expect 2 "answers.request_id must be the request's" sdx declare -L m.db other.json --attach "$R/cnas-l1234-report-2026-1006.txt"
expect_err "names both" "answers.request_id: 'REQ-OTHER' is not the id of entry [0-9a-f]{16}\.\.\., which is request 'REQ-2612-002'"
check "nothing was written" test "$(sdx log -L m.db | wc -l)" = "$n"
expect 0 "both ledgers verify" sdx verify -L m.db
expect 0 "s verifies" sdx verify -L s.db
