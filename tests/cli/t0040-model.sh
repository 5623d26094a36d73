#!/bin/sh
# Model-level evidence (formats/product.md): a manufacturer records a product
# model with its type-test report (sdx declare --type product), a batch of
# that model cites it (sdx batch --model), trace shows the model under the
# batch, and a test_report rule counts the model's report where its
# report.evidence_level accepts model-level evidence (either, model) and
# refuses it, saying why, where it demands batch level.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
sdx init -L m.db --origin example.com/m --unencrypted > /dev/null
sdx party set -L m.db --name "Cixi Little Harbour Toys Co., Ltd." --id USCI:91330282MA2CX7LH5B \
	--country CN --role manufacturer > /dev/null
expect 0 "a product (model) record with its type-test report" \
	sdx declare -L m.db --type product "$D/bath-duck-model.json" --attach "$R/cnas-l9012-product-report-2026-1020.txt"
expect 0 "log shows it" sdx log -L m.db
expect_out "its summary" "product LH-DUCK-08: Bath duck, soft PVC, 8 cm, yellow with red print, HS 9503.00, 1 report, by Cixi Little Harbour Toys"
jq '.evidence[0].stage = "prototype"' "$D/bath-duck-model.json" > bad-stage.json
expect 2 "a stage the schema does not know" sdx declare -L m.db --type product bad-stage.json --attach "$R/cnas-l9012-product-report-2026-1020.txt"
expect_err "names the member" "stage"
jq 'del(.manufacturer)' "$D/bath-duck-model.json" > no-maker.json
expect 2 "a model names its manufacturer" sdx declare -L m.db --type product no-maker.json
expect_err "says so" "manufacturer"

sdx declare -L m.db "$D/pvc-compound-declaration.json" --attach "$R/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
ref=$(sdx log -L m.db --type declaration --json | jq -r .leaf_hash)
batch() { # ID [--model M]
	id=$1; shift
	sdx batch -L m.db --id "$id" --product "Bath duck" --hs 9503.00 --date 2026-11-02 \
		--manufacturer "Cixi Little Harbour Toys Co., Ltd." --manufacturer-id USCI:91330282MA2CX7LH5B \
		--manufacturer-country CN --quantity 24000:H87 --input "$ref:HX2609-0417:0.96:TNE:material" "$@"
}
expect 2 "--model must name a product record" batch LH2611-0400 --model HX-DOC-2026-0920-01
expect_err "says what it names" "is a declaration, not a product record"
expect 0 "a batch of the model" batch LH2611-0401 --model LH-DUCK-08
check "written as batch version 3, citing the model" sh -c "\"$SDX\" show -L m.db LH2611-0401 --json | jq -e '.payload.body.format == \"sdx-batch/3\" and .payload.body.model.product_id == \"LH-DUCK-08\"' > /dev/null"
expect 0 "trace shows the model and its report under the batch" sdx trace -L m.db LH2611-0401
golden trace-model "the model, its entry and its report"
expect 0 "trace --json: the model member" sdx trace -L m.db LH2611-0401 --json
check "with its evidence" test "$(jq -r '.model.evidence[0].report_number' "$out")" = CXQT-2026-10-2207

# the rule of the green clearance channel, at the three evidence levels
jq '{format: "sdx-profile/2", name: "model-test", title: "GB 31701-2026 type test", sources: ["test"],
     kind: "programme", rules: [.rules[] | select(.check == "test_report") |
     .evidence = {accredited: true} | .report.evidence_level = "either"]}' \
	"$EXAMPLES/../formats/profiles/cn-green-clearance-infant.json" > either.json
jq '.rules[0].report.evidence_level = "batch"' either.json > batch.json
jq '.rules[0].report.evidence_level = "model"' either.json > model.json
jq 'del(.rules[0].report.evidence_level)' either.json > default.json
expect 0 "either: the model's type test counts" sdx check -L m.db --profile ./either.json LH2611-0401
golden check-either "pass, on model LH-DUCK-08"
expect 0 "no evidence_level is either" sdx check -L m.db --profile ./default.json LH2611-0401
expect 5 "batch level: refused, saying why" sdx check -L m.db --profile ./batch.json LH2611-0401
golden check-batch-level "the model's report does not count"
expect 0 "model level" sdx check -L m.db --profile ./model.json LH2611-0401
# a batch with its own report and no model, under the model-level rule
jq --arg ref "$ref" '.inputs[0].entry = $ref | .inputs[0].lot_number = "HX2609-0417" | .inputs = [.inputs[0]]' \
	"$D/bath-duck-batch.json" > own.json
expect 0 "a batch with its own product report" sdx batch -L m.db own.json --attach "$R/cnas-l9012-product-report-2026-1020.txt"
expect 5 "model level refuses the batch's own report (a programme: not eligible)" sdx check -L m.db --profile ./model.json LH2610-0315
expect_out "says why" "on the batch does not count: the rule requires model-level evidence"
expect 0 "batch level accepts it" sdx check -L m.db --profile ./batch.json LH2610-0315
jq '.rules[0].report.evidence_level = "lot"' either.json > bad.json
expect 2 "an evidence_level the profile schema does not know" sdx check -L m.db --profile ./bad.json LH2611-0401
expect_err "names the member" "evidence_level"
