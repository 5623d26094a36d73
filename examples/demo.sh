#!/bin/sh
# The sdx walkthrough run by `make demo`: two raw-material suppliers, a toy
# manufacturer and an exporter, each with its own ledger, in a temporary
# directory (nothing outside it is touched).  examples/README.md explains the
# story and every data file.
#
#   Haixing Polymer (PVC compound)  ─┐
#                                     ├─> Little Harbour Toys (bath ducks) ─> Ningbo export agent ─> US buyer
#   Redstone Pigments (iron oxides) ─┘
set -eu
SDX=${SDX:-sdx}
here=$(cd "$(dirname "$0")" && pwd)
data=$here/data
# SDX_DEMO_DIR=DIR: work in DIR (made if missing) and keep it afterwards
if [ -n "${SDX_DEMO_DIR:-}" ]; then
	mkdir -p "$SDX_DEMO_DIR" && work=$(cd "$SDX_DEMO_DIR" && pwd)
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/sdx-demo-XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi
cd "$work"

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then B=$(printf '\033[1m') N=$(printf '\033[0m'); else B= N=; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
run() { printf '$ %s\n' "$*"; "$@"; }
sdx() { "$SDX" "$@"; }
# the leaf hash of the newest entry of a ledger whose summary mentions $2
leaf() { sdx log -L "$1" --json | jq -r --arg m "$2" 'select(.summary | contains($m)) | .leaf_hash' | tail -n 1; }

export SDX_PASSPHRASE="demo passphrase, use your own"
export SDX_KDF=min   # fast key derivation: for demos and tests only

say "1. Two raw-material suppliers create their ledgers and signing keys"
run sdx init --origin haixing-polymer.example/ledger -L haixing.db
run sdx init --origin redstone-pigments.example/ledger -L redstone.db
run sdx key show -L haixing.db
say "   Each says which party its records are signed for: the supplier its declarations name"
run sdx party set -L haixing.db --name "Ningbo Haixing Polymer Materials Co., Ltd." \
	--id USCI:91330206MA2H7K5Q3E --id GLN:6901234500011 --country CN --role supplier
run sdx party set -L redstone.db --name "Foshan Redstone Inorganic Pigments Co., Ltd." \
	--id USCI:91440604MA4W2XR614 --country CN --role supplier

say "2. Haixing declares a toy-grade PVC lot: phthalates (REACH, CPSIA), heavy metals, with its CNAS lab report"
run sdx declare -L haixing.db "$data/pvc-toy-grade-declaration.json" \
	--attach "$data/reports/cnas-l1234-report-2026-1006.txt"

say "   A declaration with a broken field is refused, naming the field; nothing is written"
sed 's/"value": *[0-9.]*/"value": "low"/' "$data/pvc-toy-grade-declaration.json" > broken.json
run sdx declare -L haixing.db broken.json || echo "(exit code $?: refused as expected)"

say "3. Redstone declares two pigment lots: red (packaging limits) and yellow (RoHS only)"
run sdx declare -L redstone.db "$data/pigment-declaration.json" \
	--attach "$data/reports/cnas-l5678-report-2026-0821.txt"
run sdx declare -L redstone.db "$data/yellow-pigment-declaration.json" \
	--attach "$data/reports/cnas-l5678-report-2026-0909.txt"
run sdx log -L redstone.db

say "4. Each supplier sends its customer a signed bundle"
run sdx export -L haixing.db --all --to littleharbour-toys.example/ledger -o haixing-2026-10.sdxb
run sdx export -L redstone.db --all --to littleharbour-toys.example/ledger -o redstone-2026-10.sdxb
sdx key show -L haixing.db --vkey > haixing.vkey
sdx key show -L redstone.db --vkey > redstone.vkey

say "5. The toy manufacturer checks the bundles offline, before trusting anybody"
run sdx init --origin littleharbour-toys.example/ledger -L toys.db
sdx party set -L toys.db --name "Cixi Little Harbour Toys Co., Ltd." --id USCI:91330282MA2CX7LH5B \
	--country CN --role manufacturer > /dev/null
run sdx verify -L toys.db haixing-2026-10.sdxb || echo "(exit code $?: valid, but the key is not trusted yet)"

say "   It compares the fingerprints by phone, trusts the keys (bound to the parties they speak for), imports both bundles"
run sdx trust add -L toys.db haixing.vkey --name "Ningbo Haixing Polymer Materials Co., Ltd." \
	--id USCI:91330206MA2H7K5Q3E --role supplier --label "PVC compound, contract 2026-17"
run sdx trust add -L toys.db redstone.vkey --name "Foshan Redstone Inorganic Pigments Co., Ltd." \
	--id USCI:91440604MA4W2XR614 --role supplier
run sdx import -L toys.db haixing-2026-10.sdxb
run sdx import -L toys.db redstone-2026-10.sdxb
run sdx inbox -L toys.db

say "6. It records a production batch of bath ducks that links to the supplier lots it used"
pvc=$(leaf haixing.db "toy grade")
yellow=$(leaf redstone.db "yellow")
red=$(leaf redstone.db "red")
jq --arg pvc "$pvc" --arg yellow "$yellow" --arg red "$red" \
	'.inputs[0].entry = $pvc | .inputs[1].entry = $yellow | .inputs[2].entry = $red' \
	"$data/bath-duck-batch.json" > batch.json
echo "(batch.json is examples/data/bath-duck-batch.json with the declarations' leaf hashes filled in)"
run sdx batch -L toys.db batch.json --attach "$data/reports/cnas-l9012-product-report-2026-1020.txt"
duck=$(leaf toys.db "LH2610-0315")

say "   An input that does not exist, or a lot the declaration does not cover, is refused"
run sdx batch -L toys.db --id LH2610-0316 --product "Bath duck" --hs 9503.00 --date 2026-10-16 \
	--manufacturer "Cixi Little Harbour Toys Co., Ltd." --manufacturer-id USCI:91330282MA2CX7LH5B \
	--manufacturer-country CN --site "Moulding hall 2" --quantity 24000:H87 \
	--input "$pvc:HX2609-9999:0.96:TNE:material" || echo "(exit code $?: refused)"

say "7. It sends its exporter the provenance of the batch: the batch, the supplier declarations, their reports"
run sdx export -L toys.db --provenance "$duck" --to ningbo-export.example/ledger -o duck-provenance.sdxb
sdx key show -L toys.db --vkey > toys.vkey

say "8. The exporter trusts the three parties, imports, and records the shipment to the US"
run sdx init --origin ningbo-export.example/ledger -L export.db
sdx party set -L export.db --name "Ningbo Harbour Export Agency Co., Ltd." \
	--id USCI:91330201MA2AH8XK4L --country CN --role exporter > /dev/null
run sdx trust add -L export.db toys.vkey --name "Cixi Little Harbour Toys Co., Ltd." \
	--id USCI:91330282MA2CX7LH5B --role manufacturer
run sdx trust add -L export.db haixing.vkey --name "Ningbo Haixing Polymer Materials Co., Ltd." \
	--id USCI:91330206MA2H7K5Q3E --role supplier
run sdx trust add -L export.db redstone.vkey --name "Foshan Redstone Inorganic Pigments Co., Ltd." \
	--id USCI:91440604MA4W2XR614 --role supplier
run sdx import -L export.db duck-provenance.sdxb
run sdx ship -L export.db --id NBX-2611-0087 --date 2026-11-20 \
	--exporter "Ningbo Harbour Export Agency Co., Ltd." --exporter-id USCI:91330201MA2AH8XK4L \
	--exporter-country CN --to US --port CNNGB --discharge USLAX \
	--consignee "Pacific Kids Supply Inc." --mode sea --item "$duck:24000:H87"
ship=$(leaf export.db "NBX-2611-0087")

say "9. It exports the shipment's provenance bundle for the customs broker and the buyer"
run sdx export -L export.db --provenance "$ship" -o NBX-2611-0087.sdxb

say "10. The broker, with no ledger of its own, verifies the bundle offline"
run sdx verify NBX-2611-0087.sdxb --trust "$(sdx key show -L export.db --vkey)" \
	--trust toys.vkey --trust haixing.vkey --trust redstone.vkey
keys="--trust $(sdx key show -L export.db --vkey) --trust toys.vkey --trust haixing.vkey --trust redstone.vkey"

say "11. ... and traces it: shipment -> batch -> supplier lots -> declarations -> lab reports"
echo "(with the exporter's ledger, which binds each key to its party: each record signed by the party it names, or restated)"
# shellcheck disable=SC2086
run sdx trace -L export.db NBX-2611-0087.sdxb $keys

say "12. Is the shipment eligible, and under which rules? Every shipped profile whose scope covers it"
echo "(the lab register is example data, examples/data/labs: it verifies the report's CNAS number)"
labs="--labs $data/labs/example-register.csv"
# shellcheck disable=SC2086
run sdx check -L export.db NBX-2611-0087.sdxb $keys $labs || echo "(exit code $?: 5 = a rule fails somewhere)"

say "13. Why: eligible for the Ningbo green clearance channel (a complete, recent, verified GB 31701-2026 report) ..."
# shellcheck disable=SC2086
run sdx check -L export.db --profile cn-green-clearance-infant NBX-2611-0087.sdxb $keys $labs
say "   ... not for the US market: the yellow pigment's lead (120 mg/kg) is over CPSIA's 100 ppm"
echo "(its rules count only declarations signed by the supplier they name: the exporter's ledger binds each key to its party)"
# shellcheck disable=SC2086
run sdx check -L export.db --profile us-cpsia --quiet NBX-2611-0087.sdxb $keys $labs || echo "(exit code $?: 5 = a rule fails)"
say "   ... and EU packaging rules do not apply: the goods go to the US, and no input is packaging"
# shellcheck disable=SC2086
run sdx check -L export.db --profile eu-packaging-heavy-metals NBX-2611-0087.sdxb $keys $labs

say "   ... and the lines its customs declaration takes: licence category 630, 'CNAS L9012/report number', cargo attribute 46"
echo "(only reports the lab register finds accredited for what they test count; the others are noted)"
# shellcheck disable=SC2086
run sdx export -L export.db --cn-customs NBX-2611-0087 $labs -o NBX-2611-0087-customs.csv
run cat NBX-2611-0087-customs.csv

say "14. The recall question: where did yellow pigment lot RSY42-260905 go?"
run sdx where-used -L export.db --lot RSY42-260905

say "15. Every ledger audits clean: every signature, link, tree hash, checkpoint, attachment"
for db in haixing.db redstone.db toys.db export.db; do run sdx verify -L $db; done

say "16. A forged bundle is caught and the damage named"
mkdir forged && (cd forged && tar -xzf ../NBX-2611-0087.sdxb)
printf 'X' | dd of=forged/ledgers/0/entries bs=1 seek=300 conv=notrunc 2>/dev/null
(cd forged && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
	tar --owner=0 --group=0 --numeric-owner --mtime=@0 --no-recursion -czf ../forged.sdxb -T -)
# shellcheck disable=SC2086
run sdx verify forged.sdxb $keys || echo "(exit code $?: forged)"

say "17. Someone edits a supplier's file behind sdx's back: verify names the damage"
echo "(flipping one character of entry 1 with the sqlite3 shell, trigger put back afterwards)"
sqlite3 redstone.db "DROP TRIGGER entries_no_update;
  UPDATE entries SET data = CAST(substr(data, 1, 40) || CASE substr(data, 41, 1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(data, 42) AS BLOB) WHERE idx = 1;
  CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
run sdx verify -L redstone.db || echo "(exit code $?: tampering detected)"

say "Done: the whole chain, supplier to customs, checked offline from signed data"
