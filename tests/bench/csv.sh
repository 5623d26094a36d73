#!/bin/sh
# tests/bench/csv.sh - the CSV import figure of make bench (sourced by
# tests/bench/run.sh, or run alone: BUILD=build sh tests/bench/csv.sh).
# A CSV of BENCH_CSV_ROWS rows (default 100000; four rows, one per measured
# substance, make one declaration) is generated here, never committed, and
# imported with sdx declare --csv; the yardstick, measured in the same run, is
# sdx declare --jsonl of the very records the import built (its --dry-run
# prints them), in one transaction as the import's: the ratio is what reading
# the CSV and building the records through the mapping, twice (validate, then
# append), costs on top of appending them.
if ! command -v target > /dev/null 2>&1; then
	set -e
	BUILD=${BUILD:-build}
	top=$(pwd)
	SDX=$top/$BUILD/sdx
	BENCH=$top/$BUILD/tests/bench/bench
	W=$(mktemp -d "${TMPDIR:-/tmp}/sdx-bench-XXXXXX")
	trap 'rm -rf "$W"' EXIT
	export SDX_KDF=min
	: > "$W/judged"
	: > "$W/rss"
	target() {
		awk -v what="$1" -v v="$2" -v op="$3" -v lim="$4" -v how="$5" 'BEGIN {
			ok = (op == ">=") ? (v >= lim) : (v <= lim)
			printf "  %-44s %10.2f  target %s %.2f (%s)  %s\n", what, v, op, lim, how, ok ? "holds" : "MISSES"
			print (ok ? "holds" : "misses") " " what >> "'"$W/judged"'" }'
	}
	timed() {
		name=$1; shift
		set -- $("$BENCH" run "$@")
		[ "$3" = 0 ] || { echo "bench: $name failed (exit $3)"; exit 1; }
		t=$1 r=$2 c=$4
		echo "$r $name" >> "$W/rss"
	}
fi
CSV_ROWS=${BENCH_CSV_ROWS:-100000}
CSV_REPORT=$top/examples/data/reports/cnas-l1234-report-2026-0917.txt
cat > "$W/csv-map.json" <<'MAP'
{
  "format": "sdx-csv-map/1",
  "record": "declaration",
  "group_by": "Certificate",
  "constants": {
    "/format": "sdx-declaration/2",
    "/supplier": { "name": "Ningbo Haixing Polymer Materials Co., Ltd.", "identifiers": [ { "scheme": "USCI", "id": "91330206MA2H7K5Q3E" } ],
                   "address": { "street_address": "88 Gangxing Road, Beilun District", "locality": "Ningbo" }, "country": "CN" },
    "/signatory": { "name": "Chen Li", "role": "Quality and Compliance Manager" },
    "/claims/0/id": "C3", "/claims/0/topic": "heavy_metals",
    "/claims/0/regulations": ["Directive 94/62/EC Art. 11", "Regulation (EU) 2025/40 (PPWR) Art. 5"],
    "/claims/0/conformance": "conforms", "/claims/0/basis": "laboratory_test", "/claims/0/not_intentionally_added": true,
    "/claims/0/test_methods": ["IEC 62321-5:2013"],
    "/claims/0/limit": { "value": 100, "unit": "mg/kg", "applies_to": "sum", "comparison": "<=" },
    "/claims/0/evidence_ids": ["E1"],
    "/evidence/0": { "id": "E1", "lab_name": "Ningbo Eastport Testing Center Co., Ltd.", "lab_country": "CN",
                     "accreditation": { "body": "CNAS", "number": "CNAS L1234" }, "report_number": "NBET-2026-0917-0381",
                     "issue_date": "2026-09-17", "valid_until": "2027-09-16", "test_items": ["Pb", "Cd", "Hg", "Cr(VI)"],
                     "standards": ["IEC 62321-5:2013"],
                     "attachment": { "media_type": "text/plain", "file_name": "cnas-l1234-report-2026-0917.txt" } }
  },
  "columns": [
    { "column": "Certificate", "path": "/declaration_id" },
    { "column": "Issued", "path": "/issue_date", "type": "date", "date_format": "DD.MM.YYYY" },
    { "column": "Issued", "path": "/valid_from", "type": "date", "date_format": "DD.MM.YYYY" },
    { "column": "Valid until", "path": "/valid_until", "type": "date", "date_format": "DD.MM.YYYY" },
    { "column": "Material", "path": "/material/name" },
    { "column": "Part", "path": "/material/supplier_part_number" },
    { "column": "Lot", "path": "/material/lots/-/lot_number" },
    { "column": "Produced", "path": "/material/lots/-/production_date", "type": "date", "date_format": "DD.MM.YYYY" },
    { "column": "Tonnes", "path": "/material/lots/-/quantity/value", "type": "number", "unit": "TNE" },
    { "column": "Substance", "path": "/claims/0/measurements/-/substance" },
    { "column": "CAS", "path": "/claims/0/measurements/-/cas_number" },
    { "column": "mg/kg", "path": "/claims/0/measurements/-/value", "type": "number", "unit": "mg/kg", "not_detected": ["n.d."] },
    { "column": "LOD", "path": "/claims/0/measurements/-/detection_limit", "type": "number" }
  ],
  "sums": [ { "path": "/claims/0/declared_sum", "of": "/claims/0/measurements" } ]
}
MAP
awk -v n="$CSV_ROWS" 'BEGIN {
	print "Certificate,Issued,Valid until,Material,Part,Lot,Produced,Tonnes,Substance,CAS,mg/kg,LOD"
	split("lead (Pb)|cadmium (Cd)|mercury (Hg)|hexavalent chromium (Cr(VI))", s, "|")
	split("7439-92-1|7440-43-9|7439-97-6|18540-29-9", cas, "|")
	for (i = 0; i < n; i++) {
		d = int(i / 4); k = i % 4 + 1
		v = k == 1 ? sprintf("%.1f", 5 + d % 40) : (k == 2 ? "3.5" : "n.d.")
		printf "HX-DOC-%07d,20.09.2026,16.09.2027,\"Flexible PVC compound, Shore A %d\",HX-FP%02d,HX%07d,%02d.09.2026,%d.5,%s,%s,%s,2\n",
			d, 60 + d % 30, d % 100, d, 1 + d % 19, 1 + d % 20, s[k], cas[k], v
	}
}' > "$W/lots.csv"
csv_records=$(( (CSV_ROWS + 3) / 4 ))
"$SDX" init -L "$W/csv1.db" --origin bench.example/csv --unencrypted > /dev/null
timed "declare --csv --dry-run" sh -c '"$1" declare -L "$2" --csv "$3" --map "$4" --attach "$5" --dry-run > "$6" 2> /dev/null' \
	sh "$SDX" "$W/csv1.db" "$W/lots.csv" "$W/csv-map.json" "$CSV_REPORT" "$W/csv-records.jsonl"
dry=$t
"$SDX" init -L "$W/csv2.db" --origin bench.example/csv --unencrypted > /dev/null
timed "declare --csv" "$SDX" declare -L "$W/csv2.db" --csv "$W/lots.csv" --map "$W/csv-map.json" --attach "$CSV_REPORT"
ct=$t cr=$r cc=$c
"$SDX" init -L "$W/csv3.db" --origin bench.example/csv --unencrypted > /dev/null
timed "declare --jsonl of the CSV's records" "$SDX" declare -L "$W/csv3.db" --jsonl "$W/csv-records.jsonl" \
	--batch 1000000 --attach "$CSV_REPORT"
jt=$t jc=$c
awk -v rows="$CSV_ROWS" -v n="$csv_records" -v t="$ct" -v c="$cc" -v r="$cr" -v j="$jt" -v jc="$jc" -v d="$dry" 'BEGIN {
	printf "declare --csv: %d rows, %d declarations in %.2f s = %.0f rows/s, CPU %.0f us per row; peak RSS %.1f MiB\n",
		rows, n, t, rows / t, c / rows * 1e6, r / 1024
	printf "    its records by declare --jsonl (one transaction): %.2f s, CPU %.0f us each; --dry-run of the CSV: %.2f s\n",
		j, jc / n * 1e6, d }'
target "declare --csv time / --jsonl of its records" "$(awk -v a=$ct -v b=$jt 'BEGIN { print a / b }')" "<=" 1.5 "this branch"
target "declare --csv peak RSS, MiB" "$(awk -v r=$cr 'BEGIN { print r / 1024 }')" "<=" 64 "streamed"
