#!/bin/sh
# t0024: sdx export --epcis and --untp over the demo's chain (two suppliers, a
# toy manufacturer, an exporter; examples/demo.sh steps 1-8): the EPCIS 2.0
# document validates against GS1's official JSON Schema, each UNTP 0.7.0
# credential against UN/CEFACT's, and every credential's JWS verifies with
# jose (npm) using only the exporter's public key, and fails once changed.
# The validators are tests/node (npm ci by the Makefile's test target).
. "$(dirname "$0")/lib.sh"

node_dir=$(cd "$DATA/../node" && pwd)
if [ ! -d "$node_dir/node_modules/ajv" ] || [ ! -d "$node_dir/node_modules/jose" ]; then
	nok "validators installed" "tests/node/node_modules is missing: run 'make test' (npm ci in tests/node)"
	exit 1
fi
validate() { node "$node_dir/check.mjs" "$@" > "$out" 2>&1; }
E=$DATA/epcis/EPCIS-JSON-Schema.json
U=$DATA/untp
d=$EXAMPLES/data
export SDX_PASSPHRASE="t0024"
leaf() { sdx log -L "$1" --json | jq -r --arg m "$2" 'select(.summary | contains($m)) | .leaf_hash' | tail -n 1; }

# ---- the demo's chain, quietly ----
{
	sdx init --origin haixing-polymer.example/ledger -L haixing.db
	sdx init --origin redstone-pigments.example/ledger -L redstone.db
	sdx party set -L haixing.db --name "Ningbo Haixing Polymer Materials Co., Ltd." \
		--id USCI:91330206MA2H7K5Q3E --id GLN:6901234500011 --country CN --role supplier
	sdx party set -L redstone.db --name "Foshan Redstone Inorganic Pigments Co., Ltd." \
		--id USCI:91440604MA4W2XR614 --country CN --role supplier
	sdx declare -L haixing.db "$d/pvc-toy-grade-declaration.json" \
		--attach "$d/reports/cnas-l1234-report-2026-1006.txt"
	sdx declare -L redstone.db "$d/pigment-declaration.json" \
		--attach "$d/reports/cnas-l5678-report-2026-0821.txt"
	sdx declare -L redstone.db "$d/yellow-pigment-declaration.json" \
		--attach "$d/reports/cnas-l5678-report-2026-0909.txt"
	sdx export -L haixing.db --all -o haixing.sdxb
	sdx export -L redstone.db --all -o redstone.sdxb
	sdx key show -L haixing.db --vkey > haixing.vkey
	sdx key show -L redstone.db --vkey > redstone.vkey
	sdx init --origin littleharbour-toys.example/ledger -L toys.db
	sdx trust add -L toys.db haixing.vkey
	sdx trust add -L toys.db redstone.vkey
	sdx import -L toys.db haixing.sdxb
	sdx import -L toys.db redstone.sdxb
	jq --arg pvc "$(leaf haixing.db "toy grade")" --arg yellow "$(leaf redstone.db yellow)" \
		--arg red "$(leaf redstone.db red)" \
		'.inputs[0].entry = $pvc | .inputs[1].entry = $yellow | .inputs[2].entry = $red' \
		"$d/bath-duck-batch.json" > batch.json
	sdx batch -L toys.db batch.json --attach "$d/reports/cnas-l9012-product-report-2026-1020.txt"
	sdx export -L toys.db --provenance LH2610-0315 -o duck.sdxb
	sdx key show -L toys.db --vkey > toys.vkey
	sdx init --origin ningbo-export.example/ledger -L export.db
	sdx party set -L export.db --name "Ningbo Harbour Export Agency Co., Ltd." \
		--id USCI:91330201MA2AH8XK4L --country CN --role exporter
	sdx trust add -L export.db toys.vkey
	sdx trust add -L export.db haixing.vkey
	sdx trust add -L export.db redstone.vkey
	sdx import -L export.db duck.sdxb
	sdx ship -L export.db --id NBX-2611-0087 --date 2026-11-20 \
		--exporter "Ningbo Harbour Export Agency Co., Ltd." --exporter-id USCI:91330201MA2AH8XK4L \
		--exporter-country CN --to US --port CNNGB --discharge USLAX \
		--consignee "Pacific Kids Supply Inc." --mode sea --item "LH2610-0315:24000:H87"
	sdx key show -L export.db --vkey > export.vkey
} > setup.log 2>&1
check "the demo's chain is built" grep -q NBX-2611-0087 setup.log

# ---- EPCIS ----
expect 0 "--epcis writes the shipment's EPCIS document" \
	sdx export -L export.db --epcis NBX-2611-0087 -o ship.jsonld
expect_out "it says how many events" '^wrote ship.jsonld: EPCIS 2.0 document, 5 events$'
check "it validates against GS1's EPCIS 2.0 JSON Schema" validate schema "$E" ship.jsonld
check "three lots commissioned, one batch transformed, one shipment shipped" sh -c \
	"jq -r '.epcisBody.eventList[] | .type + \" \" + (.bizStep // \"\")' ship.jsonld | sort | uniq -c |
	 tr -s ' ' | tr '\n' ';' | grep -qx ' 3 ObjectEvent commissioning; 1 ObjectEvent shipping; 1 TransformationEvent creating_class_instance;'"
check "the batch's GTIN gives its GS1 Digital Link class, inputs are the suppliers' lots" sh -c \
	"jq -e '.epcisBody.eventList[] | select(.type == \"TransformationEvent\") |
	 (.outputQuantityList[0].epcClass == \"https://id.gs1.org/01/06971234560018/10/LH2610-0315\") and
	 ([.inputQuantityList[].epcClass] | index(\"https://haixing-polymer.example/ledger/lot/HX2610-0102\") != null)' ship.jsonld >/dev/null"
# every GS1 key in the document is a GTIN or GLN one of the records holds
for key in $(jq -r '.. | strings' ship.jsonld | sed -n 's|^https://id.gs1.org/[0-9]*/0*\([0-9]*\).*|\1|p' | sort -u); do
	check "GS1 key $key is recorded, not made up" sh -c "cat '$d'/*.json | grep -q '\"$key\"\\|\"0*$key\"'"
done
check "lots without a GTIN are named under their ledger's origin" grep -q \
	'"epcClass": "https://redstone-pigments.example/ledger/lot/RSY42-260905"' ship.jsonld
check "certificationInfo is the declaration and its report as ni URIs" sh -c \
	"jq -e '[.epcisBody.eventList[] | select(.ilmd.\"cbvmda:lotNumber\" == \"HX2610-0102\") | .certificationInfo[]] |
	 length == 2 and all(startswith(\"ni:///sha-256;\"))' ship.jsonld >/dev/null"
report=$(sha256sum "$d/reports/cnas-l1234-report-2026-1006.txt" | cut -c1-64)
ni=$(printf '%s' "$report" | xxd -r -p | base64 | tr '+/' '-_' | tr -d '=')
check "a report's ni URI is the SHA-256 of its file (RFC 6920)" grep -q "ni:///sha-256;$ni\"" ship.jsonld
check "the shipment reads and is located at UN/LOCODE CNNGB, goes to USLAX" sh -c \
	"jq -e '.epcisBody.eventList[-1] | .readPoint.id == \"https://ningbo-export.example/ledger/location/unlocode/CNNGB\" and
	 (.destinationList | map(.destination) | index(\"https://ningbo-export.example/ledger/location/unlocode/USLAX\") != null)' ship.jsonld >/dev/null"
check "every event says where it came from: origin, leaf hash, checkpoint" sh -c \
	"jq -e '[.epcisBody.eventList[] | to_entries[] | select(.key | startswith(\"sdx:\")) | .value.\"sdx:source\"] |
	 length == 5 and all(.\"sdx:leafHash\" and .\"sdx:origin\" and .\"sdx:checkpoint\".\"sdx:rootHash\")' ship.jsonld >/dev/null"
check "the sdx extension has its own @context entry" sh -c \
	"jq -e '.\"@context\"[1].sdx == \"urn:sdx:epcis:\"' ship.jsonld >/dev/null"
expect 0 "a batch's EPCIS document" sdx export -L export.db --epcis LH2610-0315 -o duck.jsonld
check "validates too" validate schema "$E" duck.jsonld
expect 0 "a supplier's own ledger: its declaration's lots" \
	sdx export -L haixing.db --epcis HX2610-0102 -o lot.jsonld
check "validates too" validate schema "$E" lot.jsonld

# ---- UNTP ----
for kind in dcc dpp dte; do
	expect 0 "--untp $kind writes signed credentials" \
		sdx export -L export.db --untp $kind NBX-2611-0087 -o ship.$kind
	check "each $kind verifies with jose and the exporter's key alone, validates against UNTP 0.7.0, fails once changed" \
		validate untp "$U/$kind.json" export.vkey ship.$kind
	[ -s "$out" ] && sed 's/^/# /' "$out"
done
check "a conformity credential per declaration, a passport per batch, an event per batch and shipment" sh -c \
	'[ $(wc -l < ship.dcc) = 3 ] && [ $(wc -l < ship.dpp) = 1 ] && [ $(wc -l < ship.dte) = 2 ]'
# the credentials of a file, decoded: one JSON object a line
payloads() {
	while read -r jws; do
		printf '%s' "$jws" | cut -d. -f2 | tr '_-' '/+' |
			awk '{ while (length($0) % 4) $0 = $0 "="; print }' | base64 -d
		echo
	done < "$1"
}
payloads ship.dcc > dcc.json
payloads ship.dpp > dpp.json
check "the DCC of the yellow pigment assesses its lead, 120 mg/kg (NA), against the report" sh -c \
	"jq -se 'map(select(.credentialSubject.name | contains(\"yellow\"))) | length == 1 and
	 ([.[0].credentialSubject.conformityAssessment[] | select(.assessedPerformance[].measure |
	   select(.value == 120 and .unit == \"NA\")) | .evidence[0].linkURL | startswith(\"ni:///sha-256;\")] |
	  length >= 1)' dcc.json >/dev/null"
check "the passport lists the three materials, mass fractions summing to 1" sh -c \
	"jq -e '.credentialSubject.materialProvenance | length == 3 and ((map(.massFraction) | add) - 1 | fabs < 1e-9)' dpp.json >/dev/null"
payloads ship.dte > dte.json
check "the batch's MakeEvent consumed the three lots and made the batch; the MoveEvent left CNNGB" sh -c \
	"jq -se '(.[0].credentialSubject[0] | (.inputProduct | map(.disposition) == [\"consumed\",\"consumed\",\"consumed\"]) and
	 .outputProduct[0].product.batchNumber == \"LH2610-0315\") and
	 (.[1].credentialSubject[0].fromFacility.id | endswith(\"/location/unlocode/CNNGB\"))' dte.json >/dev/null"
expect 0 "--json says what was written" \
	sdx export -L export.db --untp dte LH2610-0315 -o duck.dte --json
check "as JSON" sh -c "jq -e '.file == \"duck.dte\" and .format == \"dte\" and .credentials == 1' '$out' >/dev/null"
expect 0 "a supplier signs its own declaration's DCC" \
	sdx export -L haixing.db --untp dcc HX2610-0102 -o lot.dcc
check "it verifies with the supplier's key" validate untp "$U/dcc.json" haixing.vkey lot.dcc
check "and not with the exporter's" sh -c "! node '$node_dir/check.mjs' untp '$U/dcc.json' export.vkey lot.dcc > /dev/null"

# ---- refusals ----
expect 2 "an unknown credential kind is refused" sdx export -L export.db --untp dpx NBX-2611-0087 -o x
golden untp-kind
expect 2 "--untp without a record" sdx export -L export.db --untp dcc -o x
golden untp-no-ref
expect 2 "--epcis and --untp together" sdx export -L export.db --epcis NBX-2611-0087 --untp dcc -o x
golden both
expect 2 "--epcis exports one record" sdx export -L export.db --epcis NBX-2611-0087 LH2610-0315 -o x
golden epcis-two
expect 2 "an existing output file is not overwritten" \
	sdx export -L export.db --epcis NBX-2611-0087 -o ship.jsonld
golden exists
expect 2 "a record that is not there" sdx export -L export.db --epcis NOPE-1 -o x
golden unknown-ref
expect 2 "no passport of a declaration" sdx export -L haixing.db --untp dpp HX2610-0102 -o x
golden no-batch
check "nothing half-written" sh -c '[ ! -e x ] && ! ls ./*.tmp* 2>/dev/null'
