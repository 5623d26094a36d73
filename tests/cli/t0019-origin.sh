#!/bin/sh
# Rules of origin: the rcep-origin profile judges a manufacturer's batches of
# toy cars (HS 9503.00, Annex 3A chapter 95: CTH or RVC40) from the suppliers'
# declared origin and the manufacturer's own input costs: RVC 45 % passes and
# 35 % fails with the computation shown, CTH carries a batch whose RVC is low,
# de minimis saves a CTH that one input of heading 9503 breaks, a batch with
# no FOB value is unknown, a heading the profile has no rule for is unknown.
. "$(dirname "$0")/lib.sh"

O=$DATA/origin
leaf() { sdx log -L "$1" --json | jq -r --arg m "$2" 'select(.summary | contains($m)) | .leaf_hash' | tail -n 1; }

sdx init -L sup.db --origin example.com/suppliers --unencrypted > /dev/null
sdx init -L toys.db --origin example.com/toys --unencrypted > /dev/null
for f in pp mechanism abs carton fabric handle; do
	sdx declare -L sup.db "$O/$f-declaration.json" > /dev/null
done
sdx key show -L sup.db --vkey > sup.vkey
sdx export -L sup.db --all -o sup.sdxb > /dev/null
sdx trust add -L toys.db sup.vkey > /dev/null
sdx import -L toys.db sup.sdxb > /dev/null
pp=$(leaf sup.db PP2609-11); mech=$(leaf sup.db WD2608-04); abs=$(leaf sup.db AB2609-02); carton=$(leaf sup.db CT2609-21)
fabric=$(leaf sup.db CF2609-07); handle=$(leaf sup.db WH2609-03)
for b in rvc45 rvc35 cth deminimis no-value ornament exw tote tote-us; do
	sed -e "s/PP_DECLARATION/$pp/; s/MECH_DECLARATION/$mech/; s/ABS_DECLARATION/$abs/; s/CARTON_DECLARATION/$carton/" \
		-e "s/FABRIC_DECLARATION/$fabric/; s/HANDLE_DECLARATION/$handle/" "$O/$b-batch.json" > $b.json
done
expect 0 "a batch with input costs and an FOB value" sdx batch -L toys.db rvc45.json
for b in rvc35 cth deminimis no-value ornament exw tote tote-us; do sdx batch -L toys.db $b.json > /dev/null; done
b45=$(leaf toys.db TC2610-45); b35=$(leaf toys.db TC2610-35); bct=$(leaf toys.db TC2610-CT)
bdm=$(leaf toys.db TC2610-DM); bnv=$(leaf toys.db TC2610-NV); born=$(leaf toys.db CO2610-01)
D="--date 2026-11-23"

# shellcheck disable=SC2086
expect 0 "RVC 45 %: originating by RVC40" sdx check -p rcep-origin -L toys.db "$b45" $D
golden rvc45 "CTH fails on the mechanism of heading 9503; RVC = (10000 - 5500) / 10000 = 45 %; every input"
# shellcheck disable=SC2086
expect 5 "RVC 35 %: not originating" sdx check -p rcep-origin -L toys.db "$b35" $D
golden rvc35 "each alternative's failure: heading 9503 over de minimis, RVC 35 % under 40 %"
# shellcheck disable=SC2086
expect 0 "no input of the product's heading: CTH carries, RVC 15.6 % does not" sdx check -p rcep-origin -L toys.db "$bct" $D
golden cth "names CTH"
# shellcheck disable=SC2086
expect 0 "an input of heading 9503 at 8 % of FOB: de minimis" sdx check -p rcep-origin -L toys.db "$bdm" $D
golden de-minimis "CTH met within 10 % of FOB"
# shellcheck disable=SC2086
expect 6 "no batch value: unknown" sdx check -p rcep-origin -L toys.db "$bnv" $D
golden no-value "no FOB value for RVC or de minimis"
# shellcheck disable=SC2086
expect 6 "a heading the example profile has no rule for (6913.90): unknown" sdx check -p rcep-origin -L toys.db "$born" $D
golden no-rule "says to add it from the annex"
# shellcheck disable=SC2086
expect 5 "a profile of one's own whose default rule is CTH alone" sdx check -p "$O/my-origin-cth.json" -L toys.db "$b45" $D
golden cth-only "CTH fails: a non-originating input shares the product's heading"

# shellcheck disable=SC2086
expect 6 "an ex-works value: RVC 35 % of EXW cannot fail the FOB formula" sdx check -p rcep-origin -L toys.db "$(leaf toys.db TC2610-EX)" $D
golden exw "unknown, asking for the FOB value"
# shellcheck disable=SC2086
expect 0 "a tote bag (chapter 63): handles of its heading, 20 % of FOB, 8 % of its weight" \
	sdx check -p "$O/my-origin-textile.json" -L toys.db "$(leaf toys.db TB2610-01)" $D
golden weight "de minimis by weight"
# shellcheck disable=SC2086
expect 5 "sewn outside the parties" sdx check -p "$O/my-origin-textile.json" -L toys.db "$(leaf toys.db TB2610-US)" $D
golden not-a-party "produced in US"

# shellcheck disable=SC2086
expect 0 "check --json" sdx check -p rcep-origin -L toys.db "$b45" $D --json
check "the computation is in the result's origin member" \
	test "$(jq -r '.[0].results[0].origin | "\(.carried_by) \(.rvc_percent) \(.vnm) \(.value.amount)"' "$out")" = "RVC40 45 5500 10000"
check "with every alternative" \
	test "$(jq -r '[.[0].results[0].origin.alternatives[] | "\(.criterion)=\(.outcome)"] | join(",")' "$out")" = "PE=not met,CTH=not met,RVC40=met"
check "and each input converted into the batch's currency" \
	test "$(jq -r '[.[0].results[0].origin.inputs[] | "\(.lot):\(.originating):\(.value)"] | join(",")' "$out")" = \
	"PP2609-11:true:1960,WD2608-04:false:3500,AB2609-02:false:1960,CT2609-21:false:40"

# a sub-assembly is originating if it qualifies itself
sed -e "s/CAR_BATCH/$bct/; s/CARTON_DECLARATION/$carton/" "$O/gift-batch.json" > gift.json
sdx batch -L toys.db gift.json > /dev/null
# shellcheck disable=SC2086
expect 0 "a gift set of an originating sub-assembly and packaging" sdx check -p rcep-origin -L toys.db "$(leaf toys.db GS2610-01)" $D
golden sub-assembly "the car batch qualifies by CTH; the set by PE; the sub-assembly itself is not judged as a product"

# shipments: the profile's scope is the RCEP parties
expect 0 "ship to Japan" sdx ship -L toys.db --id S-JP --date 2026-11-20 --to JP --port CNNGB --consignee Buyer \
	--exporter "Cixi Example Toys Co., Ltd." --exporter-id USCI:91330282MA2CX7LH5B --exporter-country CN --item "$b45:1000:H87"
expect 0 "a shipment to Japan is judged" sdx check -p rcep-origin -L toys.db "$(leaf toys.db S-JP)"
golden ship-jp "the batch it carries, at the ship date"
# (the exit code is the other profiles' too)
sdx check -L toys.db "$(leaf toys.db S-JP)" --json > matrix.json
check "with no --profile, rcep-origin is among the profiles run, and passes" \
	test "$(jq -r '.[] | select(.profile == "rcep-origin") | .verdict' matrix.json)" = pass
sdx ship -L toys.db --id S-US --date 2026-11-20 --to US --port CNNGB --consignee Buyer --exporter "Cixi Example Toys Co., Ltd." \
	--exporter-id USCI:91330282MA2CX7LH5B --exporter-country CN --item "$b35:1000:H87" > /dev/null
expect 0 "a shipment to the US: not applicable" sdx check -p rcep-origin -L toys.db "$(leaf toys.db S-US)"
golden ship-us "destination not a party"

# a withdrawn declaration of origin no longer counts
sed "s/\"withdraws\": \"[0-9a-f]*\"/\"withdraws\": \"$pp\"/; s/\"effective_date\": \"[0-9-]*\"/\"effective_date\": \"2026-11-01\"/" \
	"$EXAMPLES/data/withdrawal.json" > w.json
sdx declare -L sup.db --type withdrawal w.json > /dev/null 2>&1
sdx export -L sup.db --all -o sup2.sdxb > /dev/null
sdx import -L toys.db sup2.sdxb > /dev/null
# shellcheck disable=SC2086
expect 5 "the polypropylene's origin withdrawn: RVC 25.4 %" sdx check -p rcep-origin -L toys.db "$b45" $D
golden withdrawn "the lot is undetermined, so non-originating, and counts in VNM"

# a declared origin concealed and not disclosed (formats/disclosure.md) is
# counted as non-originating, as an undetermined one is, but a fail that
# rests on it is unknown: it is not shown to be non-originating
sdx init -L sup3.db --origin example.com/suppliers3 --unencrypted > /dev/null
sdx init -L toys3.db --origin example.com/toys3 --unencrypted > /dev/null
for f in mechanism abs carton; do sdx declare -L sup3.db "$O/$f-declaration.json" > /dev/null; done
expect 0 "the polypropylene's origin concealed" sdx declare -L sup3.db "$O/pp-declaration.json" \
	--conceal /origin/preferential/0
sdx key show -L sup3.db --vkey > sup3.vkey
sdx export -L sup3.db --all --disclose none -o sup3.sdxb > /dev/null
sdx trust add -L toys3.db sup3.vkey > /dev/null
sdx import -L toys3.db sup3.sdxb > /dev/null
sed -e "s/PP_DECLARATION/$(leaf sup3.db PP2609-11)/; s/MECH_DECLARATION/$(leaf sup3.db WD2608-04)/" \
	-e "s/ABS_DECLARATION/$(leaf sup3.db AB2609-02)/; s/CARTON_DECLARATION/$(leaf sup3.db CT2609-21)/" \
	"$O/rvc45-batch.json" > rvc45-3.json
sdx batch -L toys3.db rvc45-3.json > /dev/null
# shellcheck disable=SC2086
expect 6 "RVC with the polypropylene's origin withheld" sdx check -p rcep-origin -L toys3.db \
	"$(leaf toys3.db TC2610-45)" $D
expect_out "is unknown, saying why" "but the origin of lot PP2609-11 .*is concealed and not disclosed, so it is not shown to be non-originating"
expect_out "the input's status" "what it declares under RCEP may be concealed and is not disclosed"

# a profile that asks an origin rule of a declaration is refused
jq '.rules[0].applies_to = "declaration"' "$O/my-origin-cth.json" > bad.json
# shellcheck disable=SC2086
expect 2 "an origin rule applies to batches only" sdx check -p ./bad.json -L toys.db "$b45" $D
golden bad-profile "names the field"
