#!/bin/sh
# CSV import (formats/csv-import.md): sdx declare --csv and sdx batch --csv
# through a mapping; RFC 4180 quoting, BOM, ';' or ',', dates and units;
# rows grouped into one record; all or nothing, --dry-run writes nothing.
. "$(dirname "$0")/lib.sh"

C=$EXAMPLES/data/csv
R=$EXAMPLES/data/reports
sdx init -L l.db --origin example.com/csv --unencrypted > /dev/null
body() { sdx show -L l.db "$1" --json | jq -c ".payload.body | $2"; }
size() { wc -c < l.db; }
entries() { sdx log -L l.db | wc -l; }

# --- the shipped example: Redstone's two declarations, as the demo has them in JSON
expect 0 "--dry-run of the example declarations" sdx declare -L l.db --dry-run \
	--csv "$C/redstone-declarations.csv" --map "$C/redstone-declarations.map.json" \
	--attach "$R/cnas-l5678-report-2026-0821.txt" --attach "$R/cnas-l5678-report-2026-0909.txt"
expect_err "says it wrote nothing" "dry run: 2 records from .* pass every check of the write; nothing was written"
check "prints one record per line" test "$(wc -l < "$out")" = 2
sed -n 1p "$out" | jq -S . > red.json
sed -n 2p "$out" | jq -S . > yellow.json
check "13 rows give the red pigment's declaration as its JSON file says" \
	sh -c "jq -S . '$EXAMPLES/data/pigment-declaration.json' | cmp -s - red.json"
check "and the yellow one's" sh -c "jq -S . '$EXAMPLES/data/yellow-pigment-declaration.json' | cmp -s - yellow.json"
check "--dry-run wrote nothing" test "$(entries)" = 1
expect 0 "the example declarations are appended" sdx declare -L l.db \
	--csv "$C/redstone-declarations.csv" --map "$C/redstone-declarations.map.json" \
	--attach "$R/cnas-l5678-report-2026-0821.txt" --attach "$R/cnas-l5678-report-2026-0909.txt"
golden declare-example
check "grouped: 9 rows of the red pigment are one declaration with 3 claims" \
	test "$(body RS-CoC-2026-0825 '[.claims[] | .measurements | length]')" = '[4,4,1]'
check "a row's lot repeated on every row is one lot" test "$(body RS-CoC-2026-0825 '.material.lots | length')" = 1
check "the declared sum is computed" test "$(body RS-CoC-2026-0825 '.claims[0].declared_sum')" = '{"unit":"mg/kg","value":71.1}'
check "n.d. is below detection, with its unit" \
	test "$(body RS-CoC-2026-0825 '.claims[0].measurements[2] | [.below_detection, .unit, .value]')" = '[true,"mg/kg",null]'

# --- the shipped batch: inputs named by the supplier lot, resolved to their declarations
sdx declare -L l.db "$EXAMPLES/data/pvc-toy-grade-declaration.json" 2>/dev/null \
	--attach "$R/cnas-l1234-report-2026-1006.txt" > /dev/null
expect 0 "the example batch CSV (BOM, MM/DD/YYYY, 3 input rows)" sdx batch -L l.db \
	--csv "$C/bath-duck-batches.csv" --map "$C/bath-duck-batches.map.json" \
	--attach "$R/cnas-l9012-product-report-2026-1020.txt"
expect_out "is one batch" "^entry 4 [0-9a-f]{64} .*bath-duck-batches.csv lines 2-4$"
check "as the example JSON, the entries filled in" sh -c "sdx() { \"\$SDX\" \"\$@\"; };
	sdx show -L l.db LH2610-0315 --json | jq -S '.payload.body | del(.inputs[].entry)' > got.json
	jq -S 'del(.inputs[].entry)' '$EXAMPLES/data/bath-duck-batch.json' | cmp -s - got.json"
yellow=$(sdx log -L l.db --json | jq -r 'select(.type == "declaration" and (.summary | contains("yellow"))) | .leaf_hash')
check "lot RSY42-260905 named the yellow pigment's declaration" \
	test "$(body LH2610-0315 '.inputs[1].entry')" = "\"$yellow\""

# --- quoting, BOM, ';' and the reading of cells, on a small mapping of our own
cat > map.json <<'EOF'
{
  "format": "sdx-csv-map/1",
  "record": "declaration",
  "group_by": "Doc",
  "constants": {
    "/format": "sdx-declaration/2",
    "/supplier": { "name": "Acme Polymers Ltd.", "identifiers": [ { "scheme": "USCI", "id": "91330206MA2H7K5Q3E" } ], "country": "CN",
                   "address": { "street_address": "1 Harbour Road", "locality": "Ningbo", "postal_code": "315800" } },
    "/material/supplier_part_number": "AP-1",
    "/signatory": { "name": "A. Person", "role": "Quality manager" },
    "/claims/0/id": "C1",
    "/claims/0/topic": "heavy_metals",
    "/claims/0/regulations": ["Directive 94/62/EC Art. 11"],
    "/claims/0/conformance": "conforms",
    "/claims/0/basis": "laboratory_test",
    "/claims/0/test_methods": ["IEC 62321-5:2013"],
    "/claims/0/limit": { "value": 100, "unit": "mg/kg", "applies_to": "each", "comparison": "<=" },
    "/claims/0/evidence_ids": ["E1"],
    "/evidence/0": { "id": "E1", "lab_name": "Guangdong Pearl River Analytical Laboratory Co., Ltd.", "lab_country": "CN",
                     "accreditation": { "body": "CNAS", "number": "CNAS L5678" }, "report_number": "PRAL-26-08-1193",
                     "issue_date": "2026-08-21", "valid_until": "2027-08-20", "test_items": ["Pb", "Cd"], "standards": ["IEC 62321-5:2013"],
                     "attachment": { "media_type": "text/plain", "file_name": "cnas-l5678-report-2026-0821.txt" } }
  },
  "columns": [
    { "column": "Doc", "path": "/declaration_id" },
    { "column": "Issued", "path": "/issue_date", "type": "date", "date_format": "DD.MM.YYYY" },
    { "column": "Issued", "path": "/valid_from", "type": "date", "date_format": "DD.MM.YYYY" },
    { "column": "Until", "path": "/valid_until", "type": "date", "date_format": "YYYY-MM-DD" },
    { "column": "Material", "path": "/material/name" },
    { "column": "Issued", "path": "/material/lots/-/production_date", "type": "date", "date_format": "DD.MM.YYYY" },
    { "column": "Remarks", "path": "/remarks" },
    { "column": "Lot", "path": "/material/lots/-/lot_number" },
    { "column": "Qty", "path": "/material/lots/-/quantity/value", "type": "number", "unit": "KGM" },
    { "column": "Substance", "path": "/claims/0/measurements/-/substance" },
    { "column": "Pb ppm", "path": "/claims/0/measurements/-/value", "type": "number", "unit": "mg/kg" }
  ]
}
EOF
printf '\357\273\277Doc;Issued;Until;Material;Remarks;Lot;Qty;Substance;Pb ppm\r\n' > semi.csv
printf 'D-1;01.10.2026;2027-09-30;"PVC; grey, ""flexible""";"line one\nline two, with a comma";L1;500;lead (Pb);12.5\r\n' >> semi.csv
printf 'D-1;01.10.2026;2027-09-30;"PVC; grey, ""flexible""";"line one\nline two, with a comma";L1;500;cadmium (Cd);3\r\n' >> semi.csv
printf 'D-2;02.10.2026;2027-09-30;PE;;L2;1;lead (Pb);1\r\n' >> semi.csv
expect 0 "a ';' CSV with a BOM, quoted fields and line breaks" sdx declare -L l.db --csv semi.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
expect_out "two groups, two declarations" "semi.csv lines 2-4$"
expect_out "the second (rows are named by the line they start on)" "semi.csv line 6$"
check "a quoted ';', comma and doubled quote are data" test "$(body D-1 '.material.name')" = '"PVC; grey, \"flexible\""'
check "a quoted line break is data" test "$(body D-1 '.remarks')" = '"line one\nline two, with a comma"'
check "DD.MM.YYYY is read as YYYY-MM-DD" test "$(body D-1 '[.issue_date, .valid_from]')" = '["2026-10-01","2026-10-01"]'
check "the lot substances give one claim with two measurements" \
	test "$(body D-1 '.claims[0].measurements | map([.substance, .value, .unit])')" = '[["lead (Pb)",12.5,"mg/kg"],["cadmium (Cd)",3,"mg/kg"]]'
check "the column's unit goes beside the value" test "$(body D-1 '.material.lots')" = '[{"lot_number":"L1","production_date":"2026-10-01","quantity":{"unit":"KGM","value":500}}]'

# --- a bad row: named by file, line, column and field; nothing written
printf 'Doc,Issued,Until,Material,Remarks,Lot,Qty,Substance,Pb ppm\n' > bad.csv
printf 'D-3,03.10.2026,2027-09-30,PE,,L3,1,lead (Pb),1\n' >> bad.csv
printf 'D-4,03.10.2026,2027-09-30,PE,,L4,1,lead (Pb),1\n' >> bad.csv
printf 'D-4,03.10.2026,2027-09-30,PE,,L4,1,cadmium (Cd),"1,2x"\n' >> bad.csv
before=$(size) n=$(entries)
expect 2 "a row with a bad number is refused" sdx declare -L l.db --csv bad.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
golden bad-number
check "the ledger file is unchanged" test "$(size)" = "$before"
check "and so is its log" test "$(entries)" = "$n"
printf 'Doc,Issued,Until,Material,Remarks,Lot,Qty,Substance,Pb ppm\nD-12,01.10.2026,2026-09-30,PE,,L12,1,lead (Pb),1\nD-13,01.10.2026,2027-09-30,PE,,L13,x,lead (Pb),1\n' > two.csv
expect 2 "of two bad records, the first is named" sdx declare -L l.db --csv two.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
expect_err "(its schema refuses it, before the bad number of the next)" "^sdx: 'two.csv' line 2: declaration: "
printf 'Doc,Issued,Until,Material,Remarks,Lot,Qty,Substance,Pb ppm\nD-5,31.02.2026,2027-09-30,PE,,L5,1,lead (Pb),1\n' > date.csv
expect 2 "a date that does not exist is refused" sdx declare -L l.db --csv date.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
expect_err "naming its column and field" "'date.csv': line 2, column 'Issued': '31.02.2026' is not a date as DD.MM.YYYY \(field /issue_date\)"
printf 'Doc,Issued,Until,Material,Remarks,Lot,Qty,Substance,Pb ppm\nD-6,01.10.2026,2027-09-30,PE,,L6,1,lead (Pb),1\nD-7,01.10.2026,2027-09-30,PE,,L7,1,lead (Pb),1\nD-6,01.10.2026,2027-09-30,PE,,L6,1,cadmium (Cd),1\n' > split.csv
expect 2 "the rows of one record are consecutive" sdx declare -L l.db --csv split.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
expect_err "naming the line of its first row" "'split.csv': line 4, column 'Doc': belongs to the record of line 2, but other rows came between"
printf 'Doc,Issued,Until,Material,Remarks,Lot,Qty,Substance,Pb ppm\nD-8,01.10.2026,2027-09-30,PE,,L8,1,lead (Pb),1\nD-8,01.10.2026,2027-09-30,PP,,L8,1,cadmium (Cd),1\n' > differ.csv
expect 2 "a group's field given twice must agree" sdx declare -L l.db --csv differ.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
expect_err "naming both" "'differ.csv': line 3, column 'Material': field /material/name: this row says PP, but a row before it \(the record from line 2\) said \"PE\""
printf 'Doc,Issued,Until,Material,Remarks,Lot,Qty,Substance,Pb ppm\nD-9,01.10.2026,2026-09-30,PE,,L9,1,lead (Pb),1\n' > invalid.csv
expect 2 "a record its schema refuses" sdx declare -L l.db --csv invalid.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
expect_err "names the lines it was built from" "^sdx: 'invalid.csv' line 2: declaration: "
printf 'Doc,Issued,Material\nD-10,01.10.2026,PE\n' > short.csv
expect 2 "a column the mapping reads is missing" sdx declare -L l.db --csv short.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
expect_err "named" "'short.csv': line 1: no column 'Until' \(the mapping 'map.json' reads it\)"
check "none of them wrote anything" test "$(size)" = "$before"

# --- --dry-run of a good file writes nothing, and prints the records
printf 'Doc,Issued,Until,Material,Remarks,Lot,Qty,Substance,Pb ppm\nD-11,01.10.2026,2027-09-30,PE,,L11,1,lead (Pb),1\n' > good.csv
expect 0 "--dry-run of a good file" sdx declare -L l.db --csv good.csv --map map.json -a "$R/cnas-l5678-report-2026-0821.txt" --dry-run
check "prints the record" test "$(jq -r .declaration_id "$out")" = D-11
check "and writes nothing" test "$(size)" = "$before"

# --- a mapping that does not say what sdx reads
sed 's/"YYYY-MM-DD"/"YYYY-QQ"/' map.json > badmap.json
expect 2 "a date format that is none" sdx declare -L l.db --csv good.csv --map badmap.json
expect_err "is named" "'badmap.json': columns\[3\].date_format: 'YYYY-QQ' is not a date format"
sed 's/"record": "declaration"/"record": "batch"/' map.json > batchmap.json
expect 2 "a batch mapping for sdx declare" sdx declare -L l.db --csv good.csv --map batchmap.json
expect_err "is refused" "maps to batch records; sdx declare reads a mapping to declaration records"
expect 2 "--csv without --map" sdx declare -L l.db --csv good.csv
expect 2 "--map without --csv" sdx batch -L l.db --map map.json -a "$R/cnas-l5678-report-2026-0821.txt"
