#!/bin/sh
# IPC-1752A import (formats/ipc1752a.md): Class D and Class C files become
# declarations, signed and checked as JSON ones; bad files are named by their
# XML path and write nothing; a DOCTYPE (external entities) is refused.
. "$(dirname "$0")/lib.sh"

I=$DATA/ipc1752a
NAME="Shenzhen Lianxin Passive Components Co., Ltd."
sdx init -L l.db --origin example.com/lianxin --unencrypted > /dev/null
sdx party set -L l.db --name "$NAME" --id USCI:91440300MA5F8K2L3N --country CN --role supplier > /dev/null
body() { sdx show -L l.db "$1" --json | jq -c ".payload.body | $2"; }
imp() { sdx declare -L l.db --supplier "$I/supplier.json" --valid-until 2027-10-04 --ipc1752a "$@"; }

# --- Class D: composition per homogeneous material
expect 0 "a Class D file is declared" imp "$I/class-d.xml"
expect_out "as one entry" "^entry 1 [0-9a-f]{64} .*class-d.xml$"
expect_err "with the XML file stored" "^attached .*class-d.xml \([0-9]+ bytes\) $(sha256sum "$I/class-d.xml" | cut -d' ' -f1)$"
D=IPC1752A-LX0603-104K-20261005
check "one claim per homogeneous material" test "$(body $D '[.claims[].id] | join(",")')" = '"HM1,HM2,HM3"'
check "DEHP: 0.01 mg in 20 mg is 500 mg/kg" test "$(body $D '.claims[2].measurements[] | select(.cas_number == "117-81-7") | [.value, .unit]')" = '[500,"mg/kg"]'
check "tin given in g: 5 mg in 12.5 mg" test "$(body $D '.claims[1].measurements[2] | [.substance, .value]')" = '["Tin",400000]'
check "the evidence is the file, by its SHA-256" test "$(body $D '.evidence[0].attachment.sha256')" = "\"$(sha256sum "$I/class-d.xml" | cut -d' ' -f1)\""
check "the supplier's DUNS number is added to its party" test "$(body $D '[.supplier.identifiers[].scheme] | join(",")')" = '"USCI,DUNS"'
check "a vendor number is not an identifier sdx maps" sh -c "! \"\$SDX\" show -L l.db $D --json | grep -q LX-00042"
check "the signatory is the Authorizer" test "$(body $D '.signatory | [.name, .role]')" = '["Liu Yang","Quality Manager"]'
check "without --lot, one lot: the item, 1 piece" test "$(body $D '.material.lots')" = '[{"lot_number":"LX0603-104K","production_date":"2026-10-05","quantity":{"unit":"H87","value":1}}]'
expect 0 "RoHS passes the file within the limits" sdx check -L l.db $D --profile eu-rohs
expect_out "with the DEHP figure" "bis\(2-ethylhexyl\) phthalate \(DEHP\) 0.05 %"
expect_out "verdict" "verdict: pass"

expect 0 "a Class D file with 0.3 % DEHP is declared" imp "$I/class-d-dehp.xml" --lot LX2610-A:5000:H87
expect 5 "and fails RoHS" sdx check -L l.db IPC1752A-LX0603-104K-OLD-20261005 --profile eu-rohs
expect_out "naming DEHP" "bis\(2-ethylhexyl\) phthalate \(DEHP\) 0.3 % over the limit"
check "its lot is the one given" test "$(body IPC1752A-LX0603-104K-OLD-20261005 '.material.lots[0].lot_number')" = '"LX2610-A"'

python3 - "$I/class-d.xml" > grouped.xml <<'PY'
import re, sys
s = open(sys.argv[1]).read().replace('LX0603-104K', 'LX-GROUPED')
# the sleeve's substances grouped: the phthalates under one category
s = s.replace('<Substance name="bis(2-ethylhexyl) phthalate (DEHP)">',
    '<SubstanceCategoryList><SubstanceCategory name="Phthalates"><Substance name="bis(2-ethylhexyl) phthalate (DEHP)">', 1)
s = s.replace('<Substance name="PBB">', '</SubstanceCategory></SubstanceCategoryList><Substance name="PBB">', 1)
sys.stdout.write(s)
PY
expect 0 "substances grouped by SubstanceCategory are read" imp grouped.xml
check "each of them, after the ungrouped ones" test "$(body IPC1752A-LX-GROUPED-20261005 '[.claims[2].measurements[] | .cas_number // .substance] | join(" ")')" = '"9002-86-2 PBB PBDE 117-81-7 85-68-7 84-74-2 84-69-5"'

# --- Class C: the RoHS statement, exemptions in remarks
expect 0 "a Class C file with two lots" imp "$I/class-c.xml" --lot TH2610-01:2000:H87 --lot TH2610-02:1500:H87
C=IPC1752A-LX-TH-220-20261006
check "statement 4 conforms" test "$(body $C '.claims[0] | [.id, .conformance, .basis]')" = '["ROHS","conforms","formulation"]'
check "relying on the exemptions listed" test "$(body $C '.claims[0].remarks' | grep -c 'exemptions relied on: 7(c)-I, 5(b)"$')" = 1
check "against the definition given" test "$(body $C '.claims[0].regulations')" = '["Directive 2011/65/EU as amended by (EU) 2015/863"]'
check "two lots" test "$(body $C '[.material.lots[].quantity.value]')" = '[2000,1500]'
sed -e 's/declarationType="4 - [^"]*"/declarationType="2"/' -e '/Exemption/d' -e 's/LX-TH-220/LX-TH-221/' "$I/class-c.xml" > c2.xml
expect 0 "statement 2" imp c2.xml
check "does not conform" test "$(body IPC1752A-LX-TH-221-20261006 '.claims[0].conformance')" = '"does_not_conform"'
sed 's/declarationType="4 - [^"]*"/declarationType="6 - Item(s) is unknown"/' "$I/class-c.xml" > c6.xml
expect 2 "statement 6 (unknown) is refused" imp c6.xml
expect_err "by its path" "'c6.xml': /MainDeclaration/Product/RoHSDeclaration/@declarationType: statement 6 \(item is unknown, no information is available\) declares nothing sdx can sign"
sed 's/declarationType="4 - [^"]*"/declarationType="1"/' "$I/class-c.xml" > c1.xml
expect 2 "statement 1 with exemptions is refused" imp c1.xml
expect_err "naming the first" "RoHSDeclaration/ExemptionList/Exemption\[1\]: statement 1 relies on no exemption, yet one is listed"

# --- bad files: the XML path, exit 2, nothing written
sed -e 's/117-81-7/117-81-8/' -e 's/LX0603-104K/LX-BAD/' "$I/class-d.xml" > bad.xml
expect 2 "a wrong CAS check digit" imp bad.xml
expect_err "is named by its XML path" "^sdx: 'bad.xml': /MainDeclaration/Product/MaterialInfo/HomogeneousMaterialList/HomogeneousMaterial\[3\]/Substance\[2\]/SubstanceID/@identity: '117-81-8' is not a CAS number \(the check digit would be 7\)$"
expect_err "and nothing is written" "^sdx: nothing was written$"
expect 2 "the declaration is not there" sdx show -L l.db IPC1752A-LX-BAD-20261005
sed -e 's/ itemNumber="LX0603-104K"//' "$I/class-d.xml" > noitem.xml
expect 2 "a missing item number" imp noitem.xml
expect_err "names the attribute" "'noitem.xml': /MainDeclaration/Product/ProductID/@itemNumber: missing required attribute"
sed -e 's/<Amount value="19.99" UOM="mg"\/>/<Amount value="29.99" UOM="mg"\/>/' -e 's/LX0603-104K/LX-HEAVY/' "$I/class-d.xml" > heavy.xml
expect 2 "substances heavier than their material" imp heavy.xml
expect_err "names the material's mass" "HomogeneousMaterial\[3\]/Amount/@value: its substances weigh 30 mg, more than the homogeneous material's 20 mg"
sed -e 's/<Amount value="30" UOM="mg"\/>/<Amount value="30" UOM="ppm"\/>/' "$I/class-d.xml" > ppm.xml
expect 2 "a concentration where a mass belongs" imp ppm.xml
expect_err "names the unit" "HomogeneousMaterial\[1\]/Amount/@UOM: 'ppm' is not a unit of mass sdx reads \(mg, g, kg\)"
sed 's/2026-10-05T09:30:00+08:00/2026-02-30/' "$I/class-d.xml" > date.xml
expect 2 "a date that is not one" imp date.xml
expect_err "names the response date" "/MainDeclaration/BusinessInfo/Response/@date: '2026-02-30' is not a date"
sed 's|175x/2.0|175x/1.1|' "$I/class-d.xml" > ns.xml
expect 2 "another schema's namespace" imp ns.xml
expect_err "says which one sdx reads" "the root element is not MainDeclaration in the namespace http://webstds.ipc.org/175x/2.0"
head -c 700 "$I/class-d.xml" > cut.xml
expect 2 "a truncated file" imp cut.xml
expect_err "is not XML, with its line" "'cut.xml': line [0-9]+: not XML: "
sed 's/name="Shenzhen Lianxin/name="Dongguan Other/' "$I/class-d.xml" > other.xml
expect 2 "another company's file" imp other.xml
expect_err "is not the supplier's party" "SupplyCompany/@name: 'Dongguan Other Passive Components Co., Ltd.' is not the supplier's party"

# --- external entities: refused, never read
printf '<?xml version="1.0"?>\n<!DOCTYPE MainDeclaration [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n' > xxe.xml
sed -e '/<MainDeclaration/,$!d' -e 's|<BusinessInfo>|<BusinessInfo><Note>\&x;</Note>|' "$I/class-d.xml" >> xxe.xml
expect 2 "an external entity (XXE) in content is refused" imp xxe.xml
expect_err "for its DOCTYPE" "'xxe.xml': has a DOCTYPE; an IPC-1752A file needs none, and sdx reads no DTD or entity declaration"
check "and the file it names is not read" sh -c "! grep -q 'root:' '$out' '$err'"
head -2 xxe.xml > xxe2.xml
sed -e '/<MainDeclaration/,$!d' -e 's/itemName="[^"]*"/itemName="\&x;"/' "$I/class-d.xml" >> xxe2.xml
expect 2 "in an attribute, libxml2 refuses it" imp xxe2.xml
expect_err "as not XML" "'xxe2.xml': line [0-9]+: not XML: Attribute references external entity 'x'"
check "nor is it read" sh -c "! grep -q 'root:' '$out' '$err'"

# --- options
expect 2 "--ipc1752a needs the supplier's party" sdx declare -L l.db --ipc1752a "$I/class-d.xml" --valid-until 2027-10-04
expect_err "and says why" "needs --supplier FILE.json \(IPC-1752A names no address or country\)"
expect 2 "a bad --lot" imp "$I/class-c.xml" --lot TH2610-01:many:H87
expect_err "is named" "--lot 'TH2610-01:many:H87': expected LOT:QTY:UNIT"
sed 's/unitType="Each" numberOfInstances="2000"/unitType="Reels" numberOfInstances="4"/' "$I/class-c.xml" > reels.xml
expect 2 "a unit type sdx does not map, without --lot" imp reels.xml
expect_err "asks for the lots" "/MainDeclaration/Product/@unitType: 'Reels' is not a unit sdx maps; give the lots with --lot LOT:QTY:UNIT"
expect 2 "--lot without --ipc1752a" sdx declare -L l.db --lot A:1:H87 x.json
expect 0 "the ledger verifies" sdx verify -L l.db
expect 0 "five declarations and nothing else" sdx show -L l.db 5
expect 2 "there is no sixth" sdx show -L l.db 6
