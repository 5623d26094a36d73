#!/bin/sh
# Three parties (issue 19): a supplier conceals the lead value of its pigment
# declaration (a sentinel, 41.6173 mg/kg) and signs a threshold statement
# beside it (Pb + Cd + Hg + Cr(VI) at most 100 mg/kg, measured by report R1).
# It discloses the value to the manufacturer, whose check judges the value;
# the manufacturer forwards the declaration to the exporter with nothing
# disclosed, so the report file stays behind too.  The exporter's check
# passes the packaging rule on the statement, gives unknown for a stricter
# rule, and the sentinel is in no member of the exporter's bundle, decoded
# (tests/cli/leak.py: the same search finds it in the manufacturer's).
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
REPORT="$D/reports/cnas-l5678-report-2026-0821.txt"
SENTINEL=41.6173
FOSHAN="Foshan Redstone Inorganic Pigments Co., Ltd."
P=eu-packaging-heavy-metals
cp "${SCRIPT%/*}/leak.py" leak.py

python3 - "$D/pigment-declaration.json" "$SENTINEL" > p.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["format"] = "sdx-declaration/4"
lead = float(sys.argv[2])
for c in d["claims"]:
    for m in c["measurements"]:
        if m["substance"] == "lead (Pb)":
            m["value"] = lead
    if "declared_sum" in c:
        c["declared_sum"]["value"] = round(lead + 3.1, 4)
d["statements"] = [{"statement": "sum_at_most", "substances": ["Pb", "Cd", "Hg", "Cr(VI)"],
                    "limit": {"value": 100, "unit": "mg/kg"}, "measured_by": "R1"}]
json.dump(d, sys.stdout, indent=1)
PY

# the supplier
sdx init -L s.db --origin example.com/supplier --unencrypted > /dev/null
sdx party set -L s.db --name "$FOSHAN" --id USCI:91440604MA4W2XR614 --role supplier > /dev/null
sdx key show -L s.db --vkey > s.vkey
expect 0 "the supplier conceals the lead values and states the bound" sdx declare -L s.db p.json \
	--attach "$REPORT" --conceal /claims/0/measurements/0/value \
	--conceal /claims/1/measurements/0/value --conceal /claims/2/measurements/0/value \
	--conceal /claims/0/declared_sum
expect 0 "and discloses everything to the manufacturer" \
	sdx export -L s.db --all --disclose all --to example.com/maker -o to-maker.sdxb
r=$(python3 leak.py to-maker.sdxb "$SENTINEL")
check "the leak search finds the sentinel where it travels" \
	sh -c "echo '$r' | grep -q 'disclosures.json > base64'"

# the manufacturer
sdx init -L m.db --origin example.com/maker --unencrypted > /dev/null
sdx trust add -L m.db s.vkey > /dev/null
sdx trust bind -L m.db s.vkey --name "$FOSHAN" --id USCI:91440604MA4W2XR614 --role supplier > /dev/null
sdx key show -L m.db --vkey > m.vkey
expect 0 "the manufacturer imports" sdx import -L m.db to-maker.sdxb
expect 0 "its check judges the value" sdx check -L m.db RS-CoC-2026-0825 --profile $P
expect_out "the value read" "lead \(Pb\) $SENTINEL mg/kg"
check "not the statement" sh -c "! grep -q 'on the threshold statement' '$out'"
expect 0 "it forwards the declaration with nothing disclosed" \
	sdx export -L m.db --imported --disclose none --to example.com/exporter -o to-exporter.sdxb
expect_out "the values and the report stay behind" "disclosed 0 concealed fields, withheld 4 and 1 attachment"
r=$(python3 leak.py to-exporter.sdxb "$SENTINEL")
check "the sentinel is in no member of the exporter's bundle, decoded" test "$r" = "${r%% *} "
check "nor the report file" sh -c "! tar -tzf to-exporter.sdxb | grep -q '^attachments/'"

# the exporter
sdx init -L e.db --origin example.com/exporter --unencrypted > /dev/null
sdx trust add -L e.db s.vkey > /dev/null
sdx trust bind -L e.db s.vkey --name "$FOSHAN" --id USCI:91440604MA4W2XR614 --role supplier > /dev/null
sdx trust add -L e.db m.vkey > /dev/null
expect 0 "the exporter verifies the forwarded bundle" sdx verify to-exporter.sdxb --trust s.vkey --trust m.vkey
expect_out "the report withheld, not missing" "withheld +attachment"
expect 0 "and imports it" sdx import -L e.db to-exporter.sdxb
expect 0 "the packaging rule passes on the statement" sdx check -L e.db RS-CoC-2026-0825 --profile $P
expect_out "a pass" "PASS +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum"
expect_out "on the supplier's signed statement" \
	"on the threshold statement 'sum of Pb, Cd, Hg, Cr\(VI\) at most 100 mg/kg'.*signed by $FOSHAN, the supplier it names"
check "the sentinel is in no verdict" sh -c "! grep -q '$SENTINEL' '$out'"
expect 6 "a stricter rule is unknown" sdx check -L e.db RS-CoC-2026-0825 \
	--profile "$SDX_TEST_DATA/threshold/packaging-50.json"
expect_out "saying why" "has a limit above the rule's \(<= 50 mg/kg\), so it does not carry this rule"
expect 0 "the exporter's verify" sdx verify -L e.db
check "no value is held at the exporter" test "$(sqlite3 e.db "SELECT count(*) FROM disclosures WHERE text != ''")" = 0

# a forged disclosure: the manufacturer's held copy changed behind sdx's back
t=$(sqlite3 m.db "SELECT text FROM disclosures WHERE origin = 'example.com/supplier' LIMIT 1")
forged=$(printf %s "$t" | python3 -c 'import sys,base64; t=sys.stdin.read().strip(); r=base64.urlsafe_b64decode(t+"="*(-len(t)%4)); i=r.rindex(b","); r=r[:i+1]+(b"9" if r[i+1:i+2]!=b"9" else b"8")+r[i+2:]; print(base64.urlsafe_b64encode(r).rstrip(b"=").decode())')
check "the forged text differs" test "$forged" != "$t"
sqlite3 m.db "INSERT INTO disclosures VALUES('example.com/supplier', 1, 'forged', '$forged')"
expect 1 "fails the manufacturer's verify" sdx verify -L m.db
expect_err "naming it" "imported entry example.com/supplier/1: disclosure [0-9] .*matches no digest of the record: forged"
