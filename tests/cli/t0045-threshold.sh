#!/bin/sh
# Threshold statements (formats/declaration.md §5.4, formats/disclosure.md):
# a supplier conceals the lead value of its pigment declaration (a sentinel,
# 41.6173 mg/kg) and signs, in the same record, that the sum of Pb, Cd, Hg
# and Cr(VI) is at most 100 mg/kg as measured by its report R1.  Whoever
# holds no disclosure sees the verdict, not the value: the packaging rule
# passes on the statement and says so (reason, --json evidence), a stricter
# rule is unknown saying why, a rule on values in view judges them, and the
# holder of the disclosures judges the value itself.  sdx declare refuses a
# statement the record's own values contradict, one measured by a report it
# does not cite, and --conceal on a statement.  A statement is the word of
# whoever signed the record: restated by a manufacturer, it is not the
# supplier's.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
TD=$SDX_TEST_DATA/threshold
SENTINEL=41.6173
REPORT="$R/cnas-l5678-report-2026-0821.txt"
export SDX_PASSPHRASE="threshold test"

# version 4: the pigment declaration with the sentinel lead value and a statement
statement() {
	python3 - "$D/pigment-declaration.json" "$SENTINEL" "$1" "$2" "$3" <<'PY'
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
d["statements"] = [{"statement": sys.argv[3], "substances": sys.argv[4].split(","),
                    "limit": {"value": float(sys.argv[5]), "unit": "mg/kg"}, "measured_by": "R1"}]
json.dump(d, sys.stdout, indent=1)
PY
}
statement sum_at_most "Pb,Cd,Hg,Cr(VI)" 100 > p.json
check "the sentinel is in the supplier's file" grep -q "$SENTINEL" p.json
sdx init -L s.db --origin example.com/s > /dev/null
sdx party set -L s.db --name "Foshan Redstone Inorganic Pigments Co., Ltd." \
	--id USCI:91440604MA4W2XR614 --role supplier > /dev/null

# refused at declare time, naming the field
statement sum_at_most "Pb,Cd,Hg,Cr(VI)" 40 > false.json
expect 2 "a statement the record's own values contradict" sdx declare -L s.db false.json --attach "$REPORT"
expect_err "names the statement and the values" \
	"statements\[0\].limit: the declaration's own values contradict the statement: lead \(Pb\) 41.6173 mg/kg \+ cadmium \(Cd\) 3.1 mg/kg.* = 44.7173 mg/kg is over its limit 40 mg/kg"
statement at_most "Pb" 40 > false1.json
expect 2 "an at_most the lead value contradicts" sdx declare -L s.db false1.json --attach "$REPORT"
expect_err "names it" "statements\[0\].limit: .*lead \(Pb\) 41.6173 mg/kg = 41.6173 mg/kg is over its limit 40 mg/kg"
sed 's/"measured_by": "R1"/"measured_by": "R9"/' p.json > noreport.json
expect 2 "a statement measured by a report the declaration does not cite" \
	sdx declare -L s.db noreport.json --attach "$REPORT"
expect_err "names measured_by" "statements\[0\].measured_by: no evidence has id 'R9'"
statement at_most "Pb,Cd" 100 > two.json
expect 2 "an at_most of two substances" sdx declare -L s.db two.json --attach "$REPORT"
expect_err "says to sum them" "statements\[0\].substances: at_most bounds one substance"
expect 2 "a statement cannot be concealed" sdx declare -L s.db p.json --attach "$REPORT" \
	--conceal /statements/0/limit
expect_err "names the pointer" "'/statements/0/limit': a threshold statement cannot be concealed"
check "nothing was written" test "$(sqlite3 s.db 'SELECT count(*) FROM entries')" = 1

expect 0 "the lead values and the sums concealed, with decoys" sdx declare -L s.db p.json \
	--attach "$REPORT" --decoys 2 \
	--conceal /claims/0/measurements/0/value --conceal /claims/1/measurements/0/value \
	--conceal /claims/2/measurements/0/value --conceal /claims/0/declared_sum
expect 0 "verify" sdx verify -L s.db
expect 0 "show the entry" sdx show -L s.db 1
check "show prints no sentinel" sh -c "! grep -q '$SENTINEL' '$out'"
expect_out "the statement is in view" '"statement": "sum_at_most"'

# the holder of the disclosures judges the value, not the statement
P=eu-packaging-heavy-metals
expect 0 "check with the disclosures held" sdx check -L s.db RS-CoC-2026-0825 --profile $P
expect_out "passes on the value" "lead \(Pb\) $SENTINEL mg/kg \+ cadmium \(Cd\) 3.1 mg/kg .* = 44.7173 mg/kg"
check "not on the statement" sh -c "! grep -q 'threshold statement' '$out'"

# the recipient: the same ledger without the disclosures (the rows taken out
# behind sdx's back), and a bundle, which carries none yet
cp s.db w.db
sqlite3 w.db "DROP TRIGGER disc_no_delete; DELETE FROM disclosures;"
expect 0 "export" sdx export -L s.db --all -o s.sdxb
expect 0 "the packaging rule passes on the statement" sdx check -L w.db RS-CoC-2026-0825 --profile $P
expect_out "and says so" "PASS +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum"
expect_out "which statement, by which report, signed by whom, standing in for what" \
	"on the threshold statement 'sum of Pb, Cd, Hg, Cr\(VI\) at most 100 mg/kg' \(statements\[0\], measured by report PRAL-26-08-1193 of Guangdong Pearl River Analytical Laboratory Co., Ltd.; signed by Foshan Redstone Inorganic Pigments Co., Ltd., the supplier it names\), which stands in for what is withheld: the value of lead \(Pb\) in claim HM-PACK is concealed and not disclosed; in view: cadmium \(Cd\) 3.1 mg/kg \+ mercury"
check "the sentinel is nowhere in the verdict" sh -c "! grep -q '$SENTINEL' '$out'"
check "nor the lead value as 0" sh -c "! grep -q 'lead (Pb) 0 ' '$out'"
# the statement is the word of whoever signed the record, like the rest of it:
# in a bundle whose key this reader binds to no party, it is nobody's word,
# and the rule counts only the supplier's (evidence.signed_by issuer)
vkey=$(sdx key show -L s.db --vkey)
expect 6 "a bundle signed by a key bound to no party" sdx check s.sdxb --trust "$vkey" --profile $P
expect_out "is unknown, saying why" "this rule counts only a declaration signed by the supplier it names.*bound to no party"
check "the sentinel is in no verdict" sh -c "! grep -q '$SENTINEL' '$out'"
expect 0 "the verdict, for the record" sdx check -L w.db RS-CoC-2026-0825 --profile $P --date 2026-11-23
golden check-statement "the verdict on the statement"

expect 0 "--json carries the evidence" sdx check -L w.db RS-CoC-2026-0825 --profile $P --json
check "evidence: the statement, its report, its signer" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))[0]["results"][0]
e = r["evidence"]
assert r["verdict"] == "pass", r
assert e["kind"] == "threshold_statement" and e["statement"] == 0, e
assert e["substances"] == ["Pb", "Cd", "Hg", "Cr(VI)"] and e["limit"] == {"value": 100.0, "unit": "mg/kg"}, e
assert e["measured_by"]["id"] == "R1" and e["measured_by"]["report_number"], e
assert e["signed_by"]["outcome"] == "signed" and e["signed_by"]["party"].startswith("Foshan Redstone"), e
' "$out"
expect 0 "--explain shows it too" sdx check -L w.db RS-CoC-2026-0825 --profile $P --explain
expect_out "the reason" "on the threshold statement 'sum of Pb, Cd, Hg, Cr\(VI\)"

# a stricter rule: the statement does not carry it
expect 6 "a rule at 50 mg/kg" sdx check -L w.db RS-CoC-2026-0825 --profile "$TD/packaging-50.json"
expect_out "is unknown" "UNKNOWN +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum at most 50 mg/kg"
expect_out "saying the statement's limit is above the rule's" \
	"the value of lead \(Pb\) in claim HM-PACK is concealed and not disclosed; the statement 'sum of Pb, Cd, Hg, Cr\(VI\) at most 100 mg/kg' has a limit above the rule's \(<= 50 mg/kg\), so it does not carry this rule; the values in view sum to 3.1 mg/kg \(limit <= 50 mg/kg\)"
expect 0 "the holder judges that rule on the value" sdx check -L s.db RS-CoC-2026-0825 --profile "$TD/packaging-50.json"
expect_out "a pass" "PASS +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum at most 50 mg/kg"
expect_out "by the value" "lead \(Pb\) $SENTINEL mg/kg .* = 44.7173 mg/kg \(limit <= 50 mg/kg\)"

# a single-substance rule: the sum bounds each of its substances
expect 0 "CPSIA lead at most 100 mg/kg, on the statement" sdx check -L w.db RS-CoC-2026-0825 --profile us-cpsia
expect_out "passes" "PASS +Lead in substrate"
expect_out "on the statement" "^ +on the threshold statement 'sum of Pb, Cd, Hg, Cr\(VI\) at most 100 mg/kg'"

# rules on values in view judge them; the decoys beside them change nothing
expect 6 "RoHS" sdx check -L w.db RS-CoC-2026-0825 --profile eu-rohs
expect_out "cadmium is judged on its value" "PASS +Cadmium per homogeneous material"
expect_out "the cadmium value" "cadmium \(Cd\) 0.00031 %"
expect_out "the other metals at 0.1 % each: lead rests on the statement, PBB and the phthalates are not measured" \
	"^ +no reliable value for polybrominated biphenyls \(PBB\)"

# a rule that reads the report itself needs its file: held here, not once it is withheld
expect 0 "a rule that needs the report file, the file held" \
	sdx check -L w.db RS-CoC-2026-0825 --profile "$TD/packaging-report-file.json"
expect_out "passes on the statement" "^ +on the threshold statement"
cp w.db nofile.db
sqlite3 nofile.db "DROP TRIGGER attachments_no_delete; DROP TRIGGER chunks_no_delete;
	DELETE FROM attachment_chunks; DELETE FROM attachments;"
expect 6 "the report file withheld" sdx check -L nofile.db RS-CoC-2026-0825 --profile "$TD/packaging-report-file.json"
expect_out "is unknown: the report's file is not held" \
	"the file of report PRAL-26-08-1193 is not held \(withheld with the values it holds, or not carried\), and this rule reads the report itself"
expect 0 "the packaging rule reads the report's metadata only" \
	sdx check -L nofile.db RS-CoC-2026-0825 --profile $P
expect_out "and passes on the statement" "^ +on the threshold statement"

# a statement never overrides a value in view: one the values in view
# contradict fails.  sdx declare compares a statement with the measurements
# by the names they are written under; a profile knows a substance by its
# aliases and CAS number as well, so a statement of "Pb" meets a measurement
# of "lead" only here
python3 - p.json > contra.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["declaration_id"] = "RS-CoC-2026-0825-X"
for c in d["claims"]:
    for m in c["measurements"]:
        if m["substance"] == "lead (Pb)":
            m["substance"] = "lead"
d["statements"] = [{"statement": "at_most", "substances": ["Pb"],
                    "limit": {"value": 40, "unit": "mg/kg"}, "measured_by": "R1"}]
json.dump(d, sys.stdout)
PY
expect 0 "declared: its names do not meet" sdx declare -L s.db contra.json --attach "$REPORT"
expect 5 "the lead rule fails on it" sdx check -L s.db RS-CoC-2026-0825-X --profile us-cpsia
expect_out "though the value in view keeps to the rule's 100 mg/kg: the statement is contradicted" \
	"^ +the statement 'Pb at most 40 mg/kg' is contradicted by the values disclosed \($SENTINEL mg/kg of what it bounds\)"

# older versions are still read and judged as before
sed 's/"declaration_id": "RS-CoC-2026-0825"/"declaration_id": "RS-CoC-2026-0825-2"/' \
	"$D/pigment-declaration.json" > v2.json
expect 0 "a version 2 declaration beside them" sdx declare -L s.db v2.json --attach "$REPORT"
expect 0 "judged on its values" sdx check -L s.db RS-CoC-2026-0825-2 --profile $P
expect_out "lead in view" "lead \(Pb\) 68 mg/kg \+ cadmium \(Cd\) 3.1 mg/kg"

# the report's own fields: a rule reads what it needs of each report, and a
# field it needs that may be the one concealed makes it unknown, saying so
sed 's/"declaration_id": "RS-CoC-2026-0825"/"declaration_id": "RS-CoC-2026-0825-A"/' p.json > acc.json
expect 0 "the report's accreditation concealed as well" sdx declare -L s.db acc.json \
	--attach "$REPORT" --conceal /claims/0/measurements/0/value \
	--conceal /claims/1/measurements/0/value --conceal /claims/2/measurements/0/value \
	--conceal /claims/0/declared_sum --conceal /evidence/0/accreditation
cp s.db w2.db
sqlite3 w2.db "DROP TRIGGER disc_no_delete; DELETE FROM disclosures;"
expect 0 "the report rule, with the disclosures held" sdx check -L s.db RS-CoC-2026-0825-A \
	--profile "$TD/report-accredited.json"
expect_out "passes on the report" "^ +report PRAL-26-08-1193 by .*\(CNAS L"
expect 6 "without them" sdx check -L w2.db RS-CoC-2026-0825-A --profile "$TD/report-accredited.json"
expect_out "is unknown, naming the field" \
	"the accreditation of report PRAL-26-08-1193 may be concealed and is not disclosed, and this rule reads it"
expect 0 "a report rule that does not read it" sdx check -L w2.db RS-CoC-2026-0825-A --profile eu-packaging-heavy-metals
expect_out "passes on the statement, the report's metadata in view enough" "^ +on the threshold statement"
expect 6 "CPSIA asks for an accredited report" sdx check -L w2.db RS-CoC-2026-0825-A --profile us-cpsia
expect_out "the values and the statement rest on a report whose accreditation may be concealed" \
	"no reliable value for lead \(Pb\): the accreditation of report PRAL-26-08-1193 may be concealed"

# a listed-substance rule reads every listed value: lead is on the sample
# candidate list, so its withheld value leaves the rule unknown, saying so
expect 0 "the candidate list" sdx list import -L w.db reach-svhc "$SDX_TEST_DATA/lists/svhc-sample-2018-06.csv"
expect 6 "REACH Art. 33 without the disclosures" sdx check -L w.db RS-CoC-2026-0825 --profile reach-svhc-article33
expect_out "is unknown, naming the value" \
	"a substance of list 'reach-svhc' \(version 1\) may be among what is withheld: the value of lead \(Pb\) in claim HM-PACK is concealed and not disclosed"

# a statement restated by another party is that party's word, not the
# supplier's: a manufacturer records the supplier's declaration, statement
# and all, under its own key
sdx init -L m.db --origin example.com/m > /dev/null
sdx party set -L m.db --name "Little Harbour Toys Co., Ltd." --id USCI:91440300MA5F8L9K2X \
	--role manufacturer > /dev/null
expect 0 "the manufacturer restates it" sdx declare -L m.db p.json --attach "$REPORT" \
	--conceal /claims/0/measurements/0/value --conceal /claims/1/measurements/0/value \
	--conceal /claims/2/measurements/0/value --conceal /claims/0/declared_sum
sqlite3 m.db "DROP TRIGGER disc_no_delete; DELETE FROM disclosures;"
expect 6 "a rule that counts only the supplier's word" sdx check -L m.db RS-CoC-2026-0825 --profile $P
expect_out "is unknown, before any statement is read" \
	"this rule counts only a declaration signed by the supplier it names .*restated by Little Harbour Toys"
check "the statement is not taken" sh -c "! grep -q 'on the threshold statement' '$out'"
expect 0 "a rule that does not ask" sdx check -L m.db RS-CoC-2026-0825 --profile "$TD/packaging-report-file.json"
expect_out "passes on the statement, saying whose word it is" \
	"on the threshold statement .*measured by report PRAL-26-08-1193 of .*; restated by Little Harbour Toys Co., Ltd. \(USCI:91440300MA5F8L9K2X\), this ledger's key: not signed by Foshan Redstone"
expect 0 "--json" sdx check -L m.db RS-CoC-2026-0825 --profile "$TD/packaging-report-file.json" --json
check "its evidence says restated, by whom" python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))[0]["results"][0]["evidence"]
assert e["signed_by"]["outcome"] == "restated" and e["signed_by"]["party"].startswith("Little Harbour"), e
' "$out"

# nor is a withheld lot quantity a 0 in the mass balance of the batches that use the lot
sdx init -L q.db --origin example.com/q > /dev/null
expect 0 "a lot quantity concealed" sdx declare -L q.db "$D/pigment-declaration.json" --attach "$REPORT" \
	--conceal /material/lots/0/quantity/value
batch() {
	sdx batch -L "$1" --id "$2" --product Duck --hs 9503.00 --date 2026-10-16 \
		--manufacturer "Cixi Little Harbour Toys Co., Ltd." --manufacturer-id USCI:91330282MA2CX7LH5B \
		--manufacturer-country CN --site Hall --quantity 10:H87 --input "RS-CoC-2026-0825:RS130-260812:$3:KGM"
}
expect 2 "the holder balances against the quantity it holds" batch q.db B1 99999
expect_err "more than the lot holds" "more than the 12000 KGM that declaration RS-CoC-2026-0825"
sqlite3 q.db "DROP TRIGGER disc_no_delete; DELETE FROM disclosures;"
expect 0 "without the disclosure the balance is unchecked" batch q.db B2 99999
expect_err "and says why" "the quantity of lot RS130-260812 is concealed and not disclosed: mass balance unchecked"
