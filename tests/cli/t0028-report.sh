#!/bin/sh
# sdx report: the demo's shipment as one self-contained HTML page, checked
# for structure with python3's html.parser (tests/cli/report_check.py): the
# verdict rows are sdx check's matrix, one SVG box per record sdx trace shows
# and per lab report, the failing lot marked, nothing fetched; every string
# from a record escaped; from a ledger and from a bundle; --pdf; refusals.
. "$(dirname "$0")/lib.sh"

RC="python3 $(dirname "$SCRIPT")/report_check.py"
D=$EXAMPLES/data
LABS="--labs $D/labs/example-register.csv"

SDX_DEMO_DIR=$TMP/demo SDX="$SDX" sh "$EXAMPLES/demo.sh" > demo.out 2>&1
check "the demo's ledgers are made" test -f demo/export.db
L="-L demo/export.db"

expect 0 "--help" sdx report --help
expect_out "the help names -o and --pdf" '--pdf FILE.pdf'
expect 2 "no -o: refused" sdx report $L NBX-2611-0087
golden no-output "says what to give"
expect 2 "an unknown REF: refused, nothing written" sdx report $L NOSUCH-1 -o none.html
check "nothing written for it" test ! -e none.html

expect 0 "the shipment's report, by its id" sdx report $L NBX-2611-0087 $LABS -o r.html
check "the page is written" test -s r.html
sdx check $L NBX-2611-0087 $LABS --json > check.json
sdx trace $L NBX-2611-0087 --json > trace.json
check "one verdict row per profile, the verdicts of sdx check" $RC r.html verdicts check.json
check "the us-cpsia row fails, green clearance passes" sh -c \
	"grep -q 'data-profile=\"us-cpsia\" data-verdict=\"fail\"' r.html &&
	 grep -q 'data-profile=\"cn-green-clearance-infant\" data-verdict=\"pass\"' r.html"
check "the overall verdict is the worst" grep -q 'Overall: <span class="tag">FAIL' r.html
check "one SVG box per record sdx trace shows and per lab report" $RC r.html nodes trace.json
check "9 boxes: shipment, batch, 3 declarations, 4 reports" \
	test "$(grep -c '<g class="node' r.html)" = 9
yellow=$(jq -r '.inputs[0].record.inputs[] | select(.lot_number == "RSY42-260905") | .record.ref' trace.json)
check "the yellow pigment's declaration (lead over CPSIA's limit) is marked" $RC r.html marked "$yellow"
check "a legend says what red means" grep -q 'l-fail"></i>fails a rule' r.html
claims=$(jq -s '[.[].claims[] | (.measurements // [] | length) as $n | if $n == 0 then 1 else $n end] | add' \
	"$D/pvc-toy-grade-declaration.json" "$D/pigment-declaration.json" "$D/yellow-pigment-declaration.json")
check "one claims row per measurement of the three declarations ($claims)" $RC r.html claims "$claims"
check "the lead row: lot, value, unit, the claimed limit and CPSIA's failing verdict" grep -q \
	'<td>RSY42-260905</td><td>RS-CoC-2026-0912</td><td>HM-ROHS <span class="meta">heavy_metals</span></td><td>lead (Pb)</td><td>120</td><td>mg/kg</td><td>&lt;= 0.1 % (each)</td><td class="v-fail" title="lead (Pb) 120 mg/kg over the limit (&lt;= 100 mg/kg each)"><span class="tag">FAIL</span> <code>us-cpsia</code>' r.html
check "the evidence list: each report's file name and SHA-256" sh -c \
	"grep -q '<td>cnas-l5678-report-2026-0909.txt</td><td class=\"hash\">$(sha256sum "$D/reports/cnas-l5678-report-2026-0909.txt" | cut -c1-64)</td>' r.html"
check "4 evidence rows" test "$(grep -c '<tr class="evidence-item">' r.html)" = 4
check "attribution: signed by the party it names, as sdx trace says" \
	grep -q 'signed by Foshan Redstone Inorganic Pigments Co., Ltd., the supplier it names' r.html
check "what was verified: the ledger audit" grep -q 'audited as &#39;sdx verify&#39; does' r.html
check "each record's checkpoint (size and root)" \
	test "$(grep -c '<td class="hash">[0-9a-f]\{64\}</td><td>[0-9]*</td><td class="hash">[0-9a-f]\{64\}</td>' r.html)" = 5
check "the signing keys with their fingerprints" \
	test "$(grep -c '<tr class="key"><td>[^<]*</td><td class="hash">[0-9a-f]\{4\}\( [0-9a-f]\{4\}\)\{15\}</td>' r.html)" = 4
check "made at the ledger clock (SDX_TIME)" grep -q 'made at <time>2026-11-23T00:00:00Z</time>' r.html
check "nothing fetched: no script, link or img; no http(s) src/href; a CSP; a print stylesheet" \
	$RC r.html nofetch
expect 0 "the same ledger state gives the same page" sdx report $L NBX-2611-0087 $LABS -o r2.html
check "byte for byte" cmp -s r.html r2.html

# the bundle the broker gets, verified first
keys="--trust $(sdx key show -L demo/export.db --vkey) --trust demo/toys.vkey --trust demo/haixing.vkey --trust demo/redstone.vkey"
# shellcheck disable=SC2086
expect 0 "the report of the shipment's bundle (the exporter's ledger binds the keys)" \
	sdx report $L demo/NBX-2611-0087.sdxb $keys $LABS -o b.html
check "the bundle's page: the same boxes" $RC b.html nodes trace.json
check "the verdicts sdx check gives for the bundle, and those of the ledger" $RC b.html verdicts check.json
# shellcheck disable=SC2086
expect 0 "without a ledger binding keys to parties" sdx report demo/NBX-2611-0087.sdxb $keys $LABS -o c.html
# shellcheck disable=SC2086
sdx check demo/NBX-2611-0087.sdxb $keys $LABS --json > check-c.json
check "the verdicts are those sdx check gives then (us-cpsia unknown: who signed is unbound)" \
	sh -c "$RC c.html verdicts check-c.json && grep -q 'data-profile=\"us-cpsia\" data-verdict=\"unknown\"' c.html"
check "says the bundle was verified" grep -q 'verified offline as &#39;sdx verify&#39; does' b.html
expect 3 "a bundle whose keys are not trusted: refused" sdx report demo/NBX-2611-0087.sdxb -o u.html
check "nothing written for it" test ! -e u.html

expect 1 "a ledger that does not audit clean (the demo edits redstone.db): no page" \
	sdx report -L demo/redstone.db 2 -o t.html
expect_err "names the damage" 'entry 1'
check "nothing written for it" test ! -e t.html

# every string from a record is escaped
sdx init -L x.db --origin example.com/x --unencrypted > /dev/null
jq '.supplier.name = "<script>alert(1)</script> & Co" | .material.name = "PVC \"<img src=x onerror=alert(2)>\""' \
	"$D/pvc-toy-grade-declaration.json" > x.json
sdx declare -L x.db x.json --attach "$D/reports/cnas-l1234-report-2026-1006.txt" > /dev/null 2>&1
expect 0 "the report of a declaration naming <script>" sdx report -L x.db 1 -o x.html
check "no <script> or <img> element in it" sh -c "! grep -qi '<script\|<img' x.html"
check "the name shown escaped" grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co' x.html
check "quotes escaped too" grep -q 'PVC &quot;&lt;img src=x onerror=alert(2)&gt;&quot;' x.html
check "the parser finds no script element" $RC x.html nofetch

if [ -x /usr/bin/chromium ]; then
	expect 0 "--pdf prints it with headless Chromium" sdx report $L NBX-2611-0087 $LABS -o p.html --pdf p.pdf
	check "a PDF" sh -c "head -c 5 p.pdf | grep -q '%PDF-'"
else
	expect 4 "--pdf without Chromium: a clear error" sdx report $L NBX-2611-0087 -o p.html --pdf p.pdf
	expect_err "names what is missing" 'needs Chromium at /usr/bin/chromium'
fi
