#!/bin/sh
# Selective disclosure (formats/disclosure.md), the part built so far: sdx
# declare --conceal signs chosen fields as salted SHA-256 digests in the
# encoding of RFC 9901 and keeps their disclosures in the ledger; the value
# (a sentinel, 41.6173 mg/kg of lead) is in no signed byte, its disclosure
# decodes to it and matches its digest, and a forged disclosure (the value
# changed) makes sdx verify fail, naming the entry.  sdx check passes the
# packaging rule with the disclosures held and gives unknown without them,
# naming the value it misses, while a rule on values in view judges them; an
# export with --disclose none holds the sentinel in no member, decoded, while
# the same search finds it in a bundle written without concealment.  What
# travels with --disclose, its import and forwarding: t0044; threshold
# statements: t0045.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
SENTINEL=41.6173
export SDX_PASSPHRASE="disclosure test"
# the pigment declaration with the lead value of each claim set to the sentinel
sed -e "s/\"value\": 68.0/\"value\": $SENTINEL/" -e 's/"value": 71.1/"value": 44.7173/' \
	"$D/pigment-declaration.json" > p.json
check "the sentinel is in the supplier's file" grep -q "$SENTINEL" p.json
sdx init -L s.db --origin example.com/s > /dev/null
sdx party set -L s.db --name "Foshan Redstone Inorganic Pigments Co., Ltd." \
	--id USCI:91440604MA4W2XR614 --role supplier > /dev/null

expect 2 "a pointer that names nothing" sdx declare -L s.db p.json --conceal /claims/9/value \
	--attach "$R/cnas-l5678-report-2026-0821.txt"
expect_err "names the file and the pointer" "'p.json': '/claims/9/value': no such field in the record"
expect 2 "--decoys goes with --conceal" sdx declare -L s.db p.json --decoys 2
expect 2 "--conceal does not go with --jsonl" sdx declare -L s.db --jsonl p.json --conceal /a
expect 0 "the lead values concealed, with decoys" sdx declare -L s.db p.json \
	--attach "$R/cnas-l5678-report-2026-0821.txt" --decoys 2 \
	--conceal /claims/0/measurements/0/value --conceal /claims/1/measurements/0/value \
	--conceal /claims/2/measurements/0/value
expect 0 "verify checks the disclosures held" sdx verify -L s.db

# in no signed byte: neither the stored payloads nor what show prints
hexs=$(printf %s "$SENTINEL" | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
check "not in any stored entry" sh -c "! sqlite3 s.db 'SELECT hex(data) FROM entries' | grep -q $hexs"
expect 0 "show the entry" sdx show -L s.db 1
check "show prints no sentinel" sh -c "! grep -q '$SENTINEL' '$out'"
expect_out "but the digests in its place" '"_sd": \['
check "the substance stays readable" grep -q '"substance": "lead (Pb)"' "$out"
# 3 concealed values, 2 decoys in each of the 3 objects touched
check "9 digests" test "$(grep -cE '^ +"[A-Za-z0-9_-]{43}",?$' "$out")" = 9

# held beside the entry: three disclosures, each base64url of [salt, "value", 41.6173]
check "three disclosures held" test "$(sqlite3 s.db "SELECT count(*) FROM disclosures WHERE text <> ''")" = 3
check "and the six decoys, known to the writer" test "$(sqlite3 s.db "SELECT count(*) FROM disclosures WHERE text = ''")" = 6
sqlite3 s.db "SELECT text FROM disclosures WHERE text <> ''" > held
ok_all=1
while read -r t; do
	j=$(printf %s "$t" | python3 -c 'import sys,base64; t=sys.stdin.read().strip(); print(base64.urlsafe_b64decode(t+"="*(-len(t)%4)).decode())')
	printf %s "$j" | grep -Eq '^\["[A-Za-z0-9_-]{22}","value",41\.6173\]$' || ok_all=0
	d=$(printf %s "$t" | python3 -c 'import sys,base64,hashlib; print(base64.urlsafe_b64encode(hashlib.sha256(sys.stdin.read().strip().encode()).digest()).rstrip(b"=").decode())')
	grep -q "\"$d\"" "$out" || ok_all=0
done < held
check "each decodes to [salt, name, value] and its SHA-256 is a digest of the entry" test $ok_all = 1

idx=$(sqlite3 s.db "SELECT DISTINCT idx FROM disclosures")
check "all of one entry" test "$(echo "$idx" | wc -l)" = 1

# the packaging rule: the supplier holds the disclosures (and knows its decoys), so it judges the value
P=eu-packaging-heavy-metals
expect 0 "check with the disclosures held" sdx check -L s.db RS-CoC-2026-0825 --profile $P
expect_out "passes on the disclosed value" "PASS +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum"
expect_out "which it read" "lead \(Pb\) $SENTINEL mg/kg"
# without them (the rows taken out behind sdx's back) the value is missing: unknown, not a pass
cp s.db w.db
sqlite3 w.db "DROP TRIGGER disc_no_delete; DELETE FROM disclosures;"
expect 6 "check without the disclosures" sdx check -L w.db RS-CoC-2026-0825 --profile $P
expect_out "is unknown" "UNKNOWN +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum"
expect_out "and says which value is missing" \
	"the value of lead \(Pb\) in claim HM-PACK is concealed and not disclosed"
check "never counting it as 0" sh -c "! grep -q 'lead (Pb) 0 ' '$out'"
# a rule that needs no concealed value judges as before: the decoys beside the
# cadmium values do not make it unknown
expect 6 "RoHS without the disclosures" sdx check -L w.db RS-CoC-2026-0825 --profile eu-rohs
expect_out "the cadmium rule judges the value in view" "PASS +Cadmium per homogeneous material"
expect_out "the lead rule is unknown" "UNKNOWN +Pb, Hg, Cr\(VI\).*"

# a forged disclosure: the same salt and name, the value changed by one digit
cp s.db f.db
t=$(head -n 1 held)
forged=$(printf %s "$t" | python3 -c 'import sys,base64; t=sys.stdin.read().strip(); r=base64.urlsafe_b64decode(t+"="*(-len(t)%4)).replace(b"41.6173", b"41.6174"); print(base64.urlsafe_b64encode(r).rstrip(b"=").decode())')
sqlite3 f.db "INSERT INTO disclosures VALUES('example.com/s', $idx, 'forged', '$forged')"
expect 1 "verify fails on a forged disclosure" sdx verify -L f.db
expect_err "names the entry and the disclosure" "'f.db': entry $idx: disclosure [0-9] \(field 'value'\) matches no digest of the record: forged"
# and a byte changed in the text itself: no longer a disclosure, or another one
cp s.db g.db
bad=$(printf %s "$t" | sed 's/^\(.....\)./\1A/;t;s/x/y/')
[ "$bad" = "$t" ] && bad=$(printf %s "$t" | sed 's/^\(.....\)./\1B/')
sqlite3 g.db "INSERT INTO disclosures VALUES('example.com/s', $idx, 'bad', '$bad')"
expect 1 "verify fails on a disclosure with one character changed" sdx verify -L g.db

# with --disclose none an export carries the entries with their digests and no
# disclosure; the sentinel is in no member, searched in every member's bytes,
# in every JSON string, in every base64 (standard or url-safe) run of
# characters decoded, recursively
expect 0 "export the supplier's ledger, disclosing nothing" sdx export -L s.db --all \
	--disclose none -o s.sdxb
cat > leak.py <<'PY'
import base64, binascii, json, re, sys, tarfile
needle = sys.argv[2].encode()
found, members = [], 0
def b64(s):
    for dec in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            yield dec(s + "=" * (-len(s) % 4))
        except (binascii.Error, ValueError):
            pass
def search(data, where, depth=0):
    if depth > 6:
        return
    if needle in data:
        found.append(where)
        return
    text = data.decode("utf-8", "replace")
    strings = []
    def walk(j):
        if isinstance(j, str): strings.append(j)
        elif isinstance(j, list): [walk(x) for x in j]
        elif isinstance(j, dict): [walk(x) for x in list(j.keys()) + list(j.values())]
    # the whole member as JSON, and each line of it (JSON Lines)
    for doc in [text] + text.splitlines():
        try:
            walk(json.loads(doc))
        except ValueError:
            pass
    # and every run of base64 characters, whatever frames it (the entries
    # member is binary-framed envelopes)
    strings += re.findall(r"[A-Za-z0-9+/_-]{16,}={0,2}", text)
    for s in strings:
        if len(s) >= 8:
            for d in b64(s.strip()):
                search(d, where + " > base64", depth + 1)
with tarfile.open(sys.argv[1], "r:gz") as t:
    for m in t.getmembers():
        if m.isfile():
            members += 1
            search(t.extractfile(m).read(), m.name)
print(members, " ".join(found))
PY
r=$(python3 leak.py s.sdxb "$SENTINEL")
check "the bundle's members were read" test "${r%% *}" -ge 4
check "the sentinel is in none of them, decoded" test "$r" = "${r%% *} "
# the search can fail: the same export from a ledger that holds the value in clear
sdx init -L c.db --origin example.com/c > /dev/null
sdx declare -L c.db p.json --attach "$R/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx export -L c.db --all -o c.sdxb > /dev/null 2>&1
r=$(python3 leak.py c.sdxb "$SENTINEL")
check "it finds the sentinel in a bundle without concealment (in base64 entries)" \
	sh -c "echo '$r' | grep -q 'ledgers/0/entries > base64'"
