#!/bin/sh
# t0035 (#20 item 5): Chinese names line up.  Records whose supplier, product
# and party names are Chinese (宁波海兴塑料材料有限公司), fullwidth (ＡＢＣ) or
# mixed, and the tables and trees that show them: every column after a padded
# field starts at the same display column on every row, as tests/cli/columns.py
# computes it with Python's unicodedata (East Asian Width W and F: two
# columns), not with sdx's own widths; and what sdx cuts is valid UTF-8.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
COLS=$(cd "$DATA/../cli" && pwd)/columns.py
# columns "what" PATTERN [--wide] [--min N]: the last stdout lines up at PATTERN's group 1
columns() {
	what=$1; shift
	if python3 "$COLS" "$out" "$@" > cols.txt; then ok "$what"
	else nok "$what" "$(cat cols.txt)"; fi
}
utf8() { python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8", "strict")' "$1"; }

# three suppliers: Chinese, fullwidth, ASCII; each declares one lot of compound
mkdecl() { # LEDGER ID LOT SUPPLIER MATERIAL
	jq --arg id "$2" --arg lot "$3" --arg s "$4" --arg m "$5" '
	  .declaration_id = $id | .supplier.name = $s | .material.name = $m
	  | .material.lots[0].lot_number = $lot | .claims |= map(.applies_to_lots |= empty)
	  | .evidence[].sampled_lots = [$lot]' "$D/pvc-toy-grade-declaration.json" > "$2.json"
	expect 0 "$4 declares lot $3" sdx declare -L "$1.db" "$2.json" \
		--attach "$R/cnas-l1234-report-2026-1006.txt"
}
for p in hx abc acme maker; do
	sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null
	sdx key show -L $p.db --vkey > $p.vkey
done
mkdecl hx HX-1 HX-LOT-1 "宁波海兴塑料材料有限公司" "软质聚氯乙烯 玩具级"
mkdecl abc ABC-1 ABC-LOT-1 "ＡＢＣ Polymer 有限公司" "ＰＶＣ compound"
mkdecl acme AC-1 AC-LOT-1 "Acme Polymers Ltd." "PVC compound, toy grade"
for p in hx abc acme; do
	sdx export -L $p.db --all -o $p.sdxb > /dev/null
done
sdx trust add -L maker.db hx.vkey --name "宁波海兴塑料材料有限公司" --role supplier > /dev/null
sdx trust add -L maker.db abc.vkey --name "ＡＢＣ Polymer Co." --role supplier > /dev/null
sdx trust add -L maker.db acme.vkey --name "Acme Polymers Ltd." --role supplier > /dev/null
for p in hx abc acme; do
	expect 0 "the maker imports $p" sdx import -L maker.db $p.sdxb
done
expect 0 "a batch of the three lots, made by a Chinese manufacturer" sdx batch -L maker.db \
	--id DUCK-1 --product "洗澡鸭 Bath duck" --hs 9503.00 --date 2026-10-15 --quantity 1000:H87 \
	--site "二号注塑车间" --manufacturer "慈溪小港玩具有限公司" \
	--manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN \
	--input HX-LOT-1:HX-LOT-1:0.02:TNE:material --input ABC-LOT-1:ABC-LOT-1:0.01:TNE:material \
	--input AC-LOT-1:AC-LOT-1:0.01:TNE:material

# --- sdx log: index, time and type are padded; the summaries start in one column
expect 0 "log" sdx log -L maker.db
columns "log: the summary column lines up" '^ +[0-9]+  \S+  \S+ +[0-9a-f]{16}  (\S)' --min 1
# --- sdx inbox: origin padded, then counts; --entries: origin, index, type, hash, summary
expect 0 "inbox" sdx inbox -L maker.db
columns "inbox: the counts line up" '( entries held)' --min 3
golden inbox "the inbox"
expect 0 "inbox --entries" sdx inbox -L maker.db --entries
columns "inbox --entries: the type column lines up" '^\S+ +[0-9]+  (\S)' --min 3
columns "inbox --entries: the summaries line up" '[0-9a-f]{16}  (\S)' --min 3
check "the Chinese supplier is in a summary" grep -q "宁波海兴塑料材料有限公司" "$out"
golden inbox-entries "the inbox's entries"
# --- sdx trust list: the values after the labels
expect 0 "trust list" sdx trust list -L maker.db
columns "trust list: labels and values line up" '^  (?:label|fingerprint|added|party): +(\S)' --min 9
check "the party names are there" grep -q "ＡＢＣ Polymer Co." "$out"
# --- sdx list: list names are UTF-8, padded to 24 columns
printf '"Substance name","EC No.","CAS No.","Date of inclusion","Reason for inclusion"\r\n"铅 Lead","231-100-4","7439-92-1","2018-06-27","Toxic for reproduction (Article 57c)"\r\n' > pb.csv
expect 0 "a list with a Chinese name" sdx list import -L maker.db 高度关注物质 pb.csv
expect 0 "one with a fullwidth name" sdx list import -L maker.db ＳＶＨＣ-ｓａｍｐｌｅ pb.csv
expect 0 "and an ASCII one" sdx list import -L maker.db reach-svhc pb.csv
expect 0 "sdx list" sdx list -L maker.db
columns "list: the versions line up after the names" '( version [0-9])' --wide --min 3
golden lists "the lists"
# --- sdx trace: the tree's lines, names of every width
expect 0 "trace" sdx trace -L maker.db DUCK-1
check "the trace is UTF-8" utf8 "$out"
columns "trace: the lots' records hang off the trunk" '^[├└]─ (lot )' --min 3
columns "trace: their lines under them, wide names or not" '^(?:│| )     (\S)' --min 6
columns "trace: their reports one level down" '^(?:│| )  [├└]─ (report )' --min 3
golden trace "the batch's tree"
# --- sdx check: the matrix of verdicts
expect_any() { "$@" > "$out" 2> "$err"; }
expect 5 "check: the matrix (some profiles fail the lots)" sdx check -L maker.db DUCK-1
check "the matrix names the Chinese product" grep -q "洗澡鸭" "$out"
columns "check: the profiles' names line up" '^  [A-Z]+ +(\S)' --min 2
columns "check: and what follows them" '^  [A-Z]+ +\S+ +(\S)' --min 2
golden matrix "the matrix"
# --- sdx due: grouped under the Chinese supplier
expect_any sdx due -L maker.db --date 2027-09-20 --within 30
check "due names the Chinese supplier" grep -q "^宁波海兴塑料材料有限公司$" "$out"
columns "due: the dates line up" '^  [A-Z]+ +([0-9]{4}-)' --min 3

# --- a long Chinese name is cut between characters: sdx log's summary
long=$(python3 -c 'print("宁波海兴塑料材料有限公司" * 16)')
mkdecl hx HX-2 HX-LOT-2 "$long" "PVC 软质聚氯乙烯"
expect 0 "log of the long name" sdx log -L hx.db
check "the log is valid UTF-8" utf8 "$out"
check "and the name was cut" sh -c "! grep -qF '$long' '$out'"
sdx export -L hx.db --all -o hx2.sdxb > /dev/null
expect 0 "the maker imports it" sdx import -L maker.db hx2.sdxb
expect 0 "inbox --entries of it" sdx inbox -L maker.db --entries
check "valid UTF-8 too" utf8 "$out"
expect 0 "its trace" sdx trace -L hx.db HX-2
check "the trace of the long name is UTF-8" utf8 "$out"
check "its label is there, cut between characters" grep -q "^declaration HX-2: PVC 软质聚氯乙烯 (宁波海兴塑料材料有限公司宁波海兴" "$out"
# the checks quote the long name in their reasons, cut to fixed-size texts
sdx check -L hx.db HX-2 > check-long.out 2>&1
check "its check is UTF-8" utf8 check-long.out
check "and names the supplier" grep -q "宁波海兴塑料材料有限公司宁波" check-long.out
sdx check -L hx.db HX-2 --json > check-long.json 2>&1
check "so is its JSON" sh -c "jq -e 'length > 0' check-long.json > /dev/null"
