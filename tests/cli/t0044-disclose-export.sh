#!/bin/sh
# Disclosures travel as the sender chooses (formats/disclosure.md, "Choosing
# what travels"; formats/bundle.md, ledgers/<k>/disclosures.json): a supplier
# conceals the lead values of a declaration (one of them a sentinel, 41.6173
# mg/kg) and exports with a policy that withholds the sentinel's field: the
# sentinel is in no member of the bundle, decoded, and the lab report, which
# holds the values too, stays behind and is reported as withheld.  With a
# policy that discloses it, the value and the report travel; the manufacturer
# imports them and its sdx check reads the value.  The manufacturer forwards
# with --imported and a policy of its own, passing on a subset.  A disclosure
# changed in a rebuilt, re-signed bundle fails verify (exit 1, naming the
# entry and the member) and import (nothing written).
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
SENTINEL=41.6173
P=eu-packaging-heavy-metals
FOSHAN="Foshan Redstone Inorganic Pigments Co., Ltd."
export SDX_PASSPHRASE="disclosure test"
# the pigment declaration with the lead value of its second claim set to the
# sentinel, the others' lower (the packaging rule reads the highest of each
# substance), the third's to a value of its own (33.25)
python3 - "$D/pigment-declaration.json" "$SENTINEL" > p.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["claims"][0]["measurements"][0]["value"] = 2.5
d["claims"][0]["declared_sum"]["value"] = 5.6
d["claims"][1]["measurements"][0]["value"] = float(sys.argv[2])
d["claims"][2]["measurements"][0]["value"] = 33.25
print(json.dumps(d, indent=2))
PY
check "the sentinel is in the supplier's file, once" test "$(grep -c "$SENTINEL" p.json)" = 1
# unencrypted: the forgery below re-signs the manifest with this key
sdx init -L s.db --origin example.com/s --unencrypted > /dev/null
sdx party set -L s.db --name "$FOSHAN" --id USCI:91440604MA4W2XR614 --role supplier > /dev/null
sdx key show -L s.db --vkey > s.vkey
expect 0 "the three lead values concealed, no decoys" sdx declare -L s.db p.json \
	--attach "$R/cnas-l5678-report-2026-0821.txt" --conceal /claims/0/measurements/0/value \
	--conceal /claims/1/measurements/0/value --conceal /claims/2/measurements/0/value 2> /dev/null
expect 0 "show the entry" sdx show -L s.db 1
expect_out "says what it conceals" "^concealed: 3 fields as salted digests, 3 disclosed by the disclosures held here$"
REPORT=$(sha256sum "$R/cnas-l5678-report-2026-0821.txt" | cut -c1-64)

# a policy that refuses what the schema refuses
printf '{"format":"sdx-disclose/1","disclose":["claims/0"]}' > bad.json
expect 2 "a pointer without its leading slash" sdx export -L s.db --all --disclose bad.json -o bad.sdxb
expect_err "names the file and the field" "'bad.json': .*disclose"
check "no bundle written" test ! -e bad.sdxb
printf '{"format":"sdx-disclose/1","disclose":"all","attachments":"keep"}' > bad2.json
expect 2 "an attachments word it does not know" sdx export -L s.db --all --disclose bad2.json -o bad.sdxb

# withheld: the sentinel's field; disclosed: the others
cat > w.json <<'EOF'
{"format": "sdx-disclose/1", "description": "for the broker",
 "disclose": ["/claims/0/measurements/*/value", "/claims/2"]}
EOF
expect 0 "export with a policy withholding /claims/1/measurements/0/value" \
	sdx export -L s.db --all --disclose w.json -o w.sdxb
expect_out "says what it disclosed and withheld" "disclosed 2 concealed fields, withheld 1 and 1 attachment"
cp "${SCRIPT%/*}/leak.py" leak.py
r=$(python3 leak.py w.sdxb "$SENTINEL")
check "the bundle's members were read" test "${r%% *}" -ge 5
check "the sentinel is in none of them, decoded" test "$r" = "${r%% *} "
check "the other values are there (the search can find them)" \
	sh -c "python3 leak.py w.sdxb 33.25 | grep -q 'ledgers/0/disclosures.json > base64'"
check "it carries a disclosures member" sh -c "tar -tzf w.sdxb | grep -qx ledgers/0/disclosures.json"
check "and no report file" sh -c "! tar -tzf w.sdxb | grep -q attachments/"
tar -xzf w.sdxb -O MANIFEST.dsse > m.dsse
check "the manifest says sdx-bundle/2 and lists the member" python3 -c "
import base64, json, sys
m = json.loads(base64.b64decode(json.load(open('m.dsse'))['payload']))
assert m['format'] == 'sdx-bundle/2', m['format']
assert 'ledgers/0/disclosures.json' in [x['name'] for x in m['members']]"
expect 0 "the bundle verifies" sdx verify w.sdxb --trust s.vkey
expect_out "the disclosures checked" "disclosed 2 concealed fields, each matching a digest of its entry"
expect_out "the report file withheld, not missing" \
	"withheld  attachment $REPORT of example.com/s entry 1: not sent, with the entry's withheld fields"
check "not reported as missing" sh -c "! grep -qi 'lacks\|missing' '$out'"
expect 0 "verify --json lists it" sdx verify --json w.sdxb --trust s.vkey
check "as withheld" python3 -c "
import json; j = json.load(open('$out'))
assert j['disclosures'] == 2 and j['withheld_attachments'] == [{'sha256': '$REPORT', 'origin': 'example.com/s', 'index': 1}], j"
# a bundle without concealment stays sdx-bundle/1, as older readers read it
sdx init -L c.db --origin example.com/c > /dev/null
sdx declare -L c.db "$D/pigment-declaration.json" --attach "$R/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx export -L c.db --all -o c.sdxb > /dev/null
tar -xzf c.sdxb -O MANIFEST.dsse > c.dsse
check "a bundle with nothing concealed is still sdx-bundle/1" python3 -c "
import base64, json
m = json.loads(base64.b64decode(json.load(open('c.dsse'))['payload']))
assert m['format'] == 'sdx-bundle/1', m['format']"

# withheld value, the report sent anyway
printf '{"format":"sdx-disclose/1","disclose":"none","attachments":"send"}' > send.json
expect 0 "a policy that sends the report with the values withheld" \
	sdx export -L s.db --all --disclose send.json -o send.sdxb
check "the report travels" sh -c "tar -tzf send.sdxb | grep -qx attachments/$REPORT"
expect 0 "and verifies" sdx verify send.sdxb --trust s.vkey

# the manufacturer imports the redacted bundle: it holds two disclosures, judges unknown
sdx init -L m.db --origin example.com/m > /dev/null
sdx trust add -L m.db s.vkey > /dev/null
sdx trust bind -L m.db s.vkey --name "$FOSHAN" --id USCI:91440604MA4W2XR614 --role supplier > /dev/null
expect 0 "m imports the redacted bundle" sdx import -L m.db w.sdxb
expect_out "says what it kept" "^kept 2 disclosures of concealed fields; 1 attachment withheld by the sender$"
check "and keeps its two disclosures under the supplier's origin" \
	test "$(sqlite3 m.db "SELECT origin, count(*) FROM disclosures GROUP BY origin")" = "example.com/s|2"
expect 0 "m's ledger verifies, imported disclosures too" sdx verify -L m.db
expect 6 "m cannot judge the withheld value" sdx check -L m.db RS-CoC-2026-0825 --profile $P
expect_out "unknown, saying why" "the value of lead \(Pb\) in claim HM-ROHS is concealed and not disclosed"

# judged from the bundle itself, before any import: the same, from what it carries
expect 6 "check of the redacted bundle" sdx check -L m.db w.sdxb --ref RS-CoC-2026-0825 --profile $P
expect_out "is unknown, not a pass on the values left" "UNKNOWN +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum"
expect_out "saying why" "the value of lead \(Pb\) in claim HM-ROHS is concealed and not disclosed"

# disclosed: the value and the report travel, and the importer reads it
printf '{"format":"sdx-disclose/1","disclose":["/claims/*/measurements/0/value"]}' > d.json
expect 0 "export with a policy disclosing it" sdx export -L s.db --all --disclose d.json -o d.sdxb
r=$(python3 leak.py d.sdxb "$SENTINEL")
check "the sentinel is in the disclosures member" test "$r" = "${r%% *} ledgers/0/disclosures.json > base64"
check "the report travels" sh -c "tar -tzf d.sdxb | grep -qx attachments/$REPORT"
sdx init -L m2.db --origin example.com/m2 > /dev/null
sdx trust add -L m2.db s.vkey > /dev/null
sdx trust bind -L m2.db s.vkey --name "$FOSHAN" --id USCI:91440604MA4W2XR614 --role supplier > /dev/null
expect 0 "m2 imports it" sdx import -L m2.db d.sdxb
check "three disclosures held" test "$(sqlite3 m2.db "SELECT count(*) FROM disclosures WHERE origin = 'example.com/s'")" = 3
expect 0 "m2's check sees the value" sdx check -L m2.db RS-CoC-2026-0825 --profile $P
expect_out "and passes on it" "PASS +Pb \+ Cd \+ Hg \+ Cr\(VI\) sum"
expect_out "which it read" "lead \(Pb\) $SENTINEL mg/kg"
expect 0 "check of the bundle itself reads it too" sdx check -L m.db d.sdxb --ref RS-CoC-2026-0825 --profile $P
expect_out "the disclosed value" "lead \(Pb\) $SENTINEL mg/kg"

# forwarding: m2 passes on a subset of what it received
expect 0 "m2 forwards with a policy of its own" sdx export -L m2.db --imported --disclose w.json -o fw.sdxb
expect_out "two of the three" "disclosed 2 concealed fields, withheld 1 and 1 attachment"
r=$(python3 leak.py fw.sdxb "$SENTINEL")
check "the sentinel is not forwarded" test "$r" = "${r%% *} "
sdx init -L e.db --origin example.com/e > /dev/null
sdx trust add -L e.db s.vkey > /dev/null
expect 0 "the exporter imports the forwarded bundle" sdx import -L e.db fw.sdxb --trust-on-first-use
check "and holds the two" test "$(sqlite3 e.db "SELECT count(*) FROM disclosures WHERE origin = 'example.com/s'")" = 2
expect 0 "m (which holds two) forwards everything it has" sdx export -L m.db --imported -o fm.sdxb
expect_out "the two, the report it never had withheld" "disclosed 2 concealed fields, withheld 0 and 1 attachment"
expect 0 "that verifies" sdx verify fm.sdxb --trust s.vkey --trust-on-first-use
expect_out "the report withheld" "withheld  attachment $REPORT of example.com/s entry 1"
expect 0 "m forwards nothing disclosed" sdx export -L m.db --imported --disclose none -o fn.sdxb
r=$(python3 leak.py fn.sdxb 33.25)
check "no value of the three in it" test "$r" = "${r%% *} "
r=$(python3 leak.py fm.sdxb 33.25)
check "(the search finds one where it is)" test "$r" = "${r%% *} ledgers/0/disclosures.json > base64"

# a held imported disclosure changed behind sdx's back: verify -L names it
cp m2.db m3.db
t=$(sqlite3 m3.db "SELECT text FROM disclosures LIMIT 1")
forged=$(printf %s "$t" | python3 -c 'import sys,base64; t=sys.stdin.read().strip(); r=base64.urlsafe_b64decode(t+"="*(-len(t)%4)); i=r.rindex(b","); r=r[:i+1]+(b"9" if r[i+1:i+2]!=b"9" else b"8")+r[i+2:]; print(base64.urlsafe_b64encode(r).rstrip(b"=").decode())')
check "the forged text differs" test "$forged" != "$t"
sqlite3 m3.db "INSERT INTO disclosures VALUES('example.com/s', 1, 'forged', '$forged')"
expect 1 "verify -L fails on a forged imported disclosure" sdx verify -L m3.db
expect_err "naming the imported entry" "'m3.db': imported entry example.com/s/1: disclosure [0-9] \(field 'value'\) matches no digest of the record: forged"

# a forged disclosure in a rebuilt bundle, re-signed by the supplier's key:
# the sentinel's value changed by one digit, every length kept, so only the
# member's bytes, its hash in the manifest and the signature change
cat > forge.py <<'PY'
import base64, gzip, hashlib, json, sys, zlib
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
src, dst, keyfile, old, new = sys.argv[1:6]
tar = bytearray(gzip.decompress(open(src, "rb").read()))
members, off = {}, 0
while off + 512 <= len(tar) and tar[off]:
    name = tar[off:off + 100].rstrip(b"\0").decode()
    size = int(tar[off + 124:off + 136].rstrip(b"\0 ") or b"0", 8)
    members[name] = (off + 512, size)
    off += 512 + (size + 511) // 512 * 512
start, size = members["ledgers/0/disclosures.json"]
body = bytes(tar[start:start + size])
items = json.loads(body)
changed = 0
for it in items:
    for t in it["disclosures"]:
        raw = base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))
        if old.encode() in raw:
            f = base64.urlsafe_b64encode(raw.replace(old.encode(), new.encode())).rstrip(b"=").decode()
            assert len(f) == len(t)
            body = body.replace(t.encode(), f.encode())
            changed += 1
assert changed == 1 and len(body) == size
oldhex = hashlib.sha256(bytes(tar[start:start + size])).hexdigest()
tar[start:start + size] = body
mstart, msize = members["MANIFEST.dsse"]
env = bytes(tar[mstart:mstart + msize]).decode()
e = json.loads(env)
payload = base64.b64decode(e["payload"]).replace(oldhex.encode(), hashlib.sha256(body).hexdigest().encode())
ptype = e["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(payload), payload)
key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(json.load(open(keyfile))["seed"]))
sig = base64.b64encode(key.sign(pae)).decode()
env2 = env.replace(e["payload"], base64.b64encode(payload).decode()).replace(e["signatures"][0]["sig"], sig)
assert len(env2) == len(env)
tar[mstart:mstart + msize] = env2.encode()
z = zlib.compressobj(6, zlib.DEFLATED, 31)
open(dst, "wb").write(z.compress(bytes(tar)) + z.flush())
PY
check "a forged disclosure, the manifest re-signed" python3 forge.py d.sdxb forged.sdxb s.key "$SENTINEL" 41.6174
check "the rebuilt bundle differs" sh -c "! cmp -s d.sdxb forged.sdxb"
expect 1 "verify fails on it" sdx verify forged.sdxb --trust s.vkey
expect_err "naming the member and the entry" "'forged.sdxb': member 'ledgers/0/disclosures.json': example.com/s entry 1: disclosure [0-9] \(field 'value'\) matches no digest of the record: forged"
# the same rebuild without the change verifies: it is the disclosure that fails
check "an unchanged rebuild" python3 forge.py d.sdxb same.sdxb s.key "$SENTINEL" "$SENTINEL"
expect 0 "verifies" sdx verify same.sdxb --trust s.vkey
sdx init -L m4.db --origin example.com/m4 > /dev/null
sdx trust add -L m4.db s.vkey > /dev/null
before=$(sqlite3 m4.db "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM foreign_entries), (SELECT count(*) FROM disclosures)")
expect 1 "import refuses it" sdx import -L m4.db forged.sdxb
expect_err "naming it" "disclosure [0-9] \(field 'value'\) matches no digest"
check "and writes nothing" test "$(sqlite3 m4.db "SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM foreign_entries), (SELECT count(*) FROM disclosures)")" = "$before"
