#!/bin/sh
# Forwarding a supplier's growing ledger: a manufacturer imports two bundles
# of the same supplier (sizes 2 then 3) and forwards provenance bundles to an
# exporter that holds the older checkpoint already.  The consistency proof the
# manufacturer received travels on, so the exporter can check the supplier's
# ledger only grew; without it the import is refused (not as equivocation).
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
for p in s m e x; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx export -L s.db --all -o b1.sdxb > /dev/null
sdx trust add -L m.db s.vkey > /dev/null
sdx import -L m.db b1.sdxb > /dev/null
sdx declare -L s.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx export -L s.db --all -o b2.sdxb > /dev/null
sdx import -L m.db b2.sdxb > /dev/null
d1=$(sdx log -L s.db --json | jq -r 'select(.index == 1) | .leaf_hash')
d2=$(sdx log -L s.db --json | jq -r 'select(.index == 2) | .leaf_hash')
sdx batch -L m.db --id B1 --product P --hs 9503.00 --date 2026-10-01 --manufacturer M --manufacturer-id DUNS:123456789 \
	--manufacturer-country CN --site S \
	--quantity 1:H87 --input "$d1:HX2609-0417:1:KGM" > /dev/null
sdx batch -L m.db --id B2 --product P --hs 9503.00 --date 2026-10-02 --manufacturer M --manufacturer-id DUNS:123456789 \
	--manufacturer-country CN --site S \
	--quantity 1:H87 --input "$d2:RS130-260812:1:KGM" > /dev/null
b1=$(sdx log -L m.db --json | jq -r 'select(.summary | contains("B1")) | .leaf_hash')
b2=$(sdx log -L m.db --json | jq -r 'select(.summary | contains("B2")) | .leaf_hash')
sdx export -L m.db --provenance "$b1" -o f1.sdxb > /dev/null
expect 0 "the second forward carries the supplier's consistency proof" sdx export -L m.db --provenance "$b2" -o f2.sdxb
golden export-f2 "counts the consistency proofs"
expect 0 "verify f2" sdx verify f2.sdxb --trust m.vkey --trust s.vkey
golden verify-f2 "with consistency proofs for the supplier"
for p in e x; do sdx trust add -L $p.db m.vkey > /dev/null; sdx trust add -L $p.db s.vkey > /dev/null; done
expect 0 "the exporter imports the first forward (supplier at size 2)" sdx import -L e.db f1.sdxb
golden import-f1 "says what"
expect 0 "and the second (size 3): the proof shows the supplier only grew" sdx import -L e.db f2.sdxb
golden import-f2 "says what"
expect 0 "the exporter's file verifies, imported data included" sdx verify -L e.db
golden verify-e "imported data included"
expect 0 "an older forward after a newer one is accepted (that checkpoint is held)" sdx import -L x.db f2.sdxb
expect 0 "x imports the older one afterwards" sdx import -L x.db f1.sdxb
