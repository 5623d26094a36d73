#!/bin/sh
# Witnesses (C2SP tlog-witness, tlog-cosignature; formats/witness.md): two
# ledgers serve as witnesses on loopback; a log asks both to cosign with
# `sdx checkpoint --policy`; verify and a bundle's verify apply a 2-of-2 and a
# 1-of-2 policy; a witness answers a stale old size and a fork with 409, a bad
# proof with 422, an unknown log with 404.  A cosignature sdx writes is checked
# by an independent Ed25519 verifier (Node's crypto) over the bytes the spec
# gives.  Traffic goes to 127.0.0.1 only, curl gives up after --max-time.
. "$(dirname "$0")/lib.sh"

pids=
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null; done; golden_unused; rm -rf "$TMP"' EXIT

post() { # URL FILE: status in $status, body in post.body
	status=$(curl -s --max-time 10 -o post.body -w '%{http_code}' --data-binary @"$2" "$1/add-checkpoint")
}

D=$EXAMPLES/data
sdx init -L log.db --origin example.com/log --unencrypted > /dev/null
sdx key show -L log.db --vkey > log.vkey
for w in w1 w2; do
	sdx init -L $w.db --origin witness.example/$w --unencrypted > /dev/null
done

expect 0 "a witness's cosigner key (type 0x04)" sdx witness key -L w1.db
expect_out "named as the witness" '^witness\.example/w1\+[0-9a-f]{8}\+'
cp "$out" w1.cvkey
sdx witness key -L w2.db > w2.cvkey
check "not the ledger's note key (another key id)" sh -c '[ "$(cut -d+ -f2 w1.cvkey)" != "$("$SDX" key show -L w1.db --vkey | cut -d+ -f2)" ]'
expect 2 "add-log needs a VKEY" sdx witness add-log -L w1.db
expect 2 "a cosigner key is not a log key" sdx witness add-log -L w1.db "$(cat w2.cvkey)"
expect_err "says which type it is" "verifier key"
expect 0 "w1 witnesses the log" sdx witness add-log -L w1.db "$(cat log.vkey)"
golden add-log "names the log"
sdx witness add-log -L w2.db "$(cat log.vkey)" > /dev/null
expect 0 "adding it again changes nothing" sdx witness add-log -L w1.db "$(cat log.vkey)"
sdx init -L imp.db --origin example.com/log --unencrypted > /dev/null
expect 2 "another key for the same origin is refused" sdx witness add-log -L w1.db "$(sdx key show -L imp.db --vkey)"
expect_err "a log is never given another key" "never removed or given another key"

start_server sw1 -L w1.db --witness
U1=$U
start_server sw2 -L w2.db --witness
U2=$U
start_server plain -L w2.db
UP=$U

# the policies: the log's key, two witnesses with their URLs
{
	echo "# the log and its witnesses"
	echo "log $(cat log.vkey)"
	echo "witness w1 $(cat w1.cvkey) $U1"
	echo "witness w2 $(cat w2.cvkey) $U2"
	echo "group both all w1 w2"
	echo "quorum both"
} > both.policy
sed 's/^quorum both$/group one any w1 w2\nquorum one/' both.policy > one.policy
{
	echo "log $(cat log.vkey)"
	echo "witness w1 $(cat w1.cvkey) $U1"
	echo "witness w2 $(cat w2.cvkey)"
	echo "group both all w1 w2"
	echo "quorum both"
} > w1only.policy

sdx declare -L log.db "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
expect 3 "checkpoint asks w1 only: the 2-of-2 quorum is not met" sdx checkpoint -L log.db --policy w1only.policy
expect_err "w1 cosigned" "cosigned by witness.example/w1"
expect_err "the quorum is named" "quorum 'both' not met"
expect 3 "verify under 2-of-2: not witnessed enough" sdx verify -L log.db --policy both.policy
expect_out "names who cosigned" "NOT witnessed example.com/log: .*cosigned by witness.example/w1\)"
expect 0 "verify under 1-of-2: witnessed" sdx verify -L log.db --policy one.policy
expect_out "by w1" "witnessed example.com/log at size [0-9]+: cosigned by witness.example/w1 \(policy met\)"
expect 0 "checkpoint asks both (w1 again, from the size it cosigned)" sdx checkpoint -L log.db --policy both.policy
expect_err "w2 cosigned" "cosigned by witness.example/w2"
check "the checkpoint carries both cosignatures" sh -c "grep -c '^— witness.example/w[12] ' '$out' | grep -qx 2"
expect 0 "verify under 2-of-2: witnessed" sdx verify -L log.db --policy both.policy --json
check "both named" test "$(jq -r '.witnessed[0].witnesses' "$out")" = "witness.example/w1, witness.example/w2"
start_server slog -L log.db
check "/checkpoint serves them too" sh -c "curl -s --max-time 10 $U/checkpoint | grep -c '^— witness.example/w[12] ' | grep -qx 2"

# an independent check of a cosignature's bytes (Node's Ed25519)
sdx checkpoint -L log.db > cp.txt
cat > cosig.js <<'JS'
const fs = require('fs'), crypto = require('crypto');
const note = fs.readFileSync(process.argv[2], 'utf8');
const vkey = fs.readFileSync(process.argv[3], 'utf8').trim();
const i1 = vkey.indexOf('+'), i2 = vkey.indexOf('+', i1 + 1);
const name = vkey.slice(0, i1), b64 = vkey.slice(i2 + 1);
const raw = Buffer.from(b64, 'base64');
if (raw[0] !== 4) { console.log('not type 4'); process.exit(1); }
const pub = raw.subarray(1);
const id = crypto.createHash('sha256').update(Buffer.concat([Buffer.from(name + '\n'), Buffer.from([4]), pub])).digest().subarray(0, 4);
const text = note.slice(0, note.indexOf('\n\n') + 1);
const line = note.split('\n').find(l => l.startsWith('\u2014 ' + name + ' '));
const sig = Buffer.from(line.split(' ')[2], 'base64');
if (!sig.subarray(0, 4).equals(id)) { console.log('key id'); process.exit(1); }
const t = sig.readBigUInt64BE(4);
const msg = Buffer.from('cosignature/v1\ntime ' + t + '\n' + text);
const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
console.log(crypto.verify(null, msg, key, sig.subarray(12)) ? 'ok' : 'bad');
JS
if command -v node > /dev/null; then
	check "Node verifies w2's cosignature over cosignature/v1, time, the checkpoint" \
		sh -c "node cosig.js cp.txt w2.cvkey | grep -qx ok"
	sed 's/^\(— witness.example\/w2 .\)./\1A/' cp.txt > cp-bad.txt
	cmp -s cp.txt cp-bad.txt && sed 's/^\(— witness.example\/w2 .\)./\1B/' cp.txt > cp-bad.txt
	check "and refuses it after a one-byte change" sh -c "! node cosig.js cp-bad.txt w2.cvkey | grep -qx ok"
fi

# bundles carry the cosignatures; the recipient applies the policy
sdx export -L log.db --all -o log.sdxb > /dev/null
expect 0 "a bundle's checkpoint meets 2-of-2" sdx verify log.sdxb --trust log.vkey --policy both.policy
expect_out "witnessed" "witnessed example.com/log at size [0-9]+: cosigned by witness.example/w1, witness.example/w2"
grep -v '^witness w2\|^group\|^quorum' both.policy > w3.policy
sdx init -L w3.db --origin witness.example/w3 --unencrypted > /dev/null
{ echo "witness w3 $(sdx witness key -L w3.db)"; echo "group q all w1 w3"; echo "quorum q"; } >> w3.policy
expect 3 "a policy wanting a witness that never cosigned" sdx verify log.sdxb --trust log.vkey --policy w3.policy
expect_out "not met" "NOT witnessed example.com/log: .*quorum 'q' not met"
printf 'log %s\nquorum nobody\n' "$(cat log.vkey)" > bad.policy
expect 2 "a policy naming an undefined quorum" sdx verify -L log.db --policy bad.policy
golden policy-undefined "names the file"
printf 'log %s\nfrob x\nquorum none\n' "$(cat log.vkey)" > bad2.policy
expect 2 "an unknown keyword" sdx verify -L log.db --policy bad2.policy
expect_err "file and line" "bad2.policy:2: unknown keyword 'frob'"

# C2SP tlog-proof@v1 of one entry, checked by sdx and by an independent verifier
sdx checkpoint -L log.db --policy both.policy > /dev/null 2>&1
expect 0 "prove --tlog-proof" sdx prove -L log.db 1 --tlog-proof
cp "$out" e1.tlog-proof
check "its first lines" sh -c "head -2 e1.tlog-proof | tr '\n' ' ' | grep -q '^c2sp.org/tlog-proof@v1 index 1 \$'"
check "it carries both cosignatures" sh -c "grep -c '^— witness.example/w[12] ' e1.tlog-proof | grep -qx 2"
sdx show -L log.db 1 --raw > e1.entry
sdx show -L log.db 0 --raw > e0.entry
expect 0 "verify: the entry under a 2-of-2 checkpoint" sdx verify e1.tlog-proof --entry e1.entry --policy both.policy
expect_out "says so, with the witnesses" "is entry 1, under a checkpoint that meets the policy; cosigned by witness.example/w1, witness.example/w2"
expect 0 "with the log's key alone" sdx verify e1.tlog-proof --entry e1.entry --trust log.vkey
expect 1 "another entry's bytes" sdx verify e1.tlog-proof --entry e0.entry --policy both.policy
expect_err "names the index and the checkpoint" "not entry 1 of example.com/log's checkpoint"
expect 3 "a policy it does not meet" sdx verify e1.tlog-proof --entry e1.entry --policy w3.policy
expect 2 "without --entry" sdx verify e1.tlog-proof --policy both.policy
golden tlog-proof-no-entry "says what to give"
sed '3s/^./A/' e1.tlog-proof > e1-bad.tlog-proof; cmp -s e1.tlog-proof e1-bad.tlog-proof && sed '3s/^./B/' e1.tlog-proof > e1-bad.tlog-proof
expect 1 "a changed proof hash" sdx verify e1-bad.tlog-proof --entry e1.entry --policy both.policy
cat > proof.js <<'JS'
// RFC 9162 2.1.3.2: an inclusion proof checked from the tlog-proof text alone
const fs = require('fs'), crypto = require('crypto');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n');
const entry = fs.readFileSync(process.argv[3]);
const h = (...b) => crypto.createHash('sha256').update(Buffer.concat(b)).digest();
let i = 1; if (lines[i].startsWith('extra ')) i++;
const index = BigInt(lines[i++].slice(6)); const proof = [];
while (lines[i] !== '') proof.push(Buffer.from(lines[i++], 'base64'));
const size = BigInt(lines[i + 2]), root = Buffer.from(lines[i + 3], 'base64');
let fn = index, sn = size - 1n, r = h(Buffer.from([0]), entry);
for (const p of proof) {
  if (sn === 0n) { console.log('bad'); process.exit(0); }
  if ((fn & 1n) || fn === sn) { r = h(Buffer.from([1]), p, r); if (!(fn & 1n)) while (!(fn & 1n) && fn !== 0n) { fn >>= 1n; sn >>= 1n; } }
  else r = h(Buffer.from([1]), r, p);
  fn >>= 1n; sn >>= 1n;
}
console.log(sn === 0n && r.equals(root) ? 'ok' : 'bad');
JS
if command -v node > /dev/null; then
	check "Node checks its inclusion proof (RFC 9162) against the checkpoint's root" \
		sh -c "node proof.js e1.tlog-proof e1.entry | grep -qx ok"
	check "and not for another entry" sh -c "node proof.js e1.tlog-proof e0.entry | grep -qx bad"
fi

# --remote: what a served log shows, against what is held
cp log.db before.db
sdx declare -L log.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx checkpoint -L log.db > /dev/null
start_server rlog -L log.db
ULOG=$U
expect 0 "verify --remote: the served log is the ledger's own" sdx verify -L log.db --remote "$ULOG"
expect_out "consistent" "remote +$ULOG shows example.com/log at size [0-9]+: consistent with the checkpoint held"
expect 0 "a copy of an older state: the remote is ahead and extends it" sdx verify -L before.db -k log.key --remote "$ULOG" --json
check "tiles were read for the proof" sh -c "[ \$(jq '.remote.tiles' '$out') -ge 1 ] && [ \$(jq '.remote.remote_size' '$out') -gt \$(jq '.remote.held_size' '$out') ]"
start_server rold -L before.db -k log.key
expect 1 "a server showing an older state: stale" sdx verify -L log.db --remote "$U"
expect_err "says so" "older than the checkpoint held at size [0-9]+: stale"
cp before.db fork.db
sdx declare -L fork.db -k log.key "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx declare -L fork.db -k log.key "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx checkpoint -L fork.db -k log.key > /dev/null
start_server rfork -L fork.db -k log.key
expect 1 "a server showing a forked history" sdx verify -L log.db --remote "$U"
expect_err "names it a fork" "a fork"
expect 0 "the fork extends the older copy it was made from: consistent with that" sdx verify -L before.db -k log.key --remote "$U"
sdx export -L log.db --all -o now.sdxb > /dev/null
expect 0 "a bundle against the log that serves its ledger" sdx verify now.sdxb --trust log.vkey --remote "$ULOG"
expect_out "consistent" "remote +$ULOG shows example.com/log"
expect 1 "a bundle against the fork" sdx verify now.sdxb --trust log.vkey --remote "$U"
sdx init -L e.db --origin example.com/exporter --unencrypted > /dev/null
sdx trust add -L e.db log.vkey > /dev/null
sdx import -L e.db now.sdxb > /dev/null
expect 0 "an importer checks its supplier's served log" sdx verify -L e.db --remote "$ULOG"
expect_out "against the checkpoint imported" "shows example.com/log at size [0-9]+: consistent"
expect 2 "a log the ledger holds nothing of" sdx verify -L e.db --remote "$U1"
expect_err "says so" "neither is nor holds anything of"

# import --from URL: the bundle downloaded from a served ledger, then imported
RT=$(sdx serve token add -L log.db --scope read --name importer 2> /dev/null)
start_server rlog2 -L log.db
ULOG2=$U
sdx init -L f.db --origin example.com/fetcher --unencrypted > /dev/null
sdx trust add -L f.db log.vkey > /dev/null
expect 2 "without the token: 401, named" sdx import -L f.db --from "$ULOG2/v1/export?provenance=1"
expect_err "says to give --token" "HTTP 401 \(give --token\); nothing was written"
expect 0 "with it: downloaded and imported" sdx import -L f.db --from "$ULOG2/v1/export?provenance=1" --token "$RT"
expect_out "names the URL" "imported $ULOG2/v1/export\?provenance=1 from example.com/log"
check "no download is left beside the ledger" sh -c "! ls .sdx-download-* 2> /dev/null | grep -q ."
expect 0 "and the served log shows the history it brought" sdx verify -L f.db --remote "$ULOG2"
expect 2 "a size limit" sdx import -L f.db --from "$ULOG2/v1/export?provenance=1" --token "$RT" --max-total 100
expect_err "named" "larger than the limit of 100 bytes"
expect 2 "not http(s)" sdx import -L f.db --from "file:///etc/passwd"
expect 2 "a FILE and --from" sdx import -L f.db x.sdxb --from "$ULOG2/v1/export?provenance=1"

# the protocol's answers, by curl
sdx checkpoint -L log.db > /dev/null
printf 'old 0\n\n' > stale.req; sdx checkpoint -L log.db >> stale.req
post "$U1" stale.req
check "a stale old size: 409" test "$status" = 409
check "with the size cosigned" sh -c "grep -Eqx '[0-9]+' post.body"
size=$(cat post.body)
sdx declare -L log.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
sdx checkpoint -L log.db > /dev/null
sdx prove -L log.db --from "$size" --json > cons.json
check "a consistency proof for the request" test -s cons.json
if [ -s cons.json ]; then
	{ echo "old $size"; jq -r '.proof[]' cons.json; echo; sdx checkpoint -L log.db; } > good.req
	{ echo "old $size"; jq -r '.proof[]' cons.json | awk 'NR == 1 { $0 = (substr($0, 1, 1) == "A" ? "B" : "A") substr($0, 2) } { print }'; echo; sdx checkpoint -L log.db; } > badproof.req
	post "$U1" badproof.req
	check "a bad consistency proof: 422" test "$status" = 422
	post "$U1" good.req
	check "the right proof: 200 and a cosignature line" sh -c "[ $status = 200 ] && grep -q '^— witness.example/w1 ' post.body"
fi
printf 'old 0\n\n' > unknown.req; sdx checkpoint -L imp.db >> unknown.req
sdx init -L other.db --origin example.com/other --unencrypted > /dev/null
printf 'old 0\n\n' > other.req; sdx checkpoint -L other.db >> other.req
post "$U1" other.req
check "an unknown log: 404" test "$status" = 404
post "$U1" unknown.req
check "the log's origin under another key: 403" test "$status" = 403
printf 'old x\n\n' > junk.req
post "$U1" junk.req
check "a malformed body: 400" test "$status" = 400
post "$UP" other.req
check "a server without --witness: 404" test "$status" = 404

for p in $pids; do kill -TERM "$p" 2>/dev/null; done
wait 2>/dev/null
