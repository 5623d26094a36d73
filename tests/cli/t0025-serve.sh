#!/bin/sh
# sdx serve: tokens, every endpoint over curl (each answer compared with the
# command's --json), 401/403/404/413/429, a bad record writing nothing, 8
# concurrent writers x 200 records keeping one chain, SIGTERM under load
# losing nothing acknowledged, tiles byte for byte as sdx publish writes them.
# All traffic goes to 127.0.0.1 on a port the server picked; every request
# loop is bounded and curl gives up after --max-time; the servers are killed
# on exit.  With SDX_SERVE_CAPTURE=DIR each answer is kept there (status,
# content type, body) for tests/node-serve/check.js (make serve-api).
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
R=$D/reports
CAP=${SDX_SERVE_CAPTURE:-}
pids=
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null; done; golden_unused; rm -rf "$TMP"' EXIT

leaf() { sdx log -L "$1" --json | jq -r --arg m "$2" 'select(.summary | contains($m)) | .leaf_hash' | tail -n 1; }

# call TOKEN METHOD PATH TEMPLATE [curl args...]: the answer in $status,
# $ctype and body (a file); TEMPLATE names the OpenAPI path for the capture
# ('-': none, a problem for a path or method the API does not have)
ncap=0
call() {
	tok=$1 method=$2 path=$3 tmpl=$4; shift 4
	set -- -s --max-time 60 -X "$method" -o body -w '%{http_code} %{content_type}' "$@"
	[ -n "$tok" ] && set -- -H "Authorization: Bearer $tok" "$@"
	[ "$method" = HEAD ] && set -- -I "$@"
	set -- $(curl "$@" "$U$path")
	status=${1:-000} ctype=${2:-}
	if [ -n "$CAP" ]; then
		ncap=$((ncap + 1))
		printf '%s %s %s %s\n' "$method" "$tmpl" "$status" "${ctype%%;*}" > "$CAP/$ncap.meta"
		cp body "$CAP/$ncap.body"
	fi
}
is() { check "$1" test "$status" = "$2"; }
problem() { # what, status, detail pattern
	check "$1: $2 problem+json" test "$status $ctype" = "$2 application/problem+json"
	check "$1: its detail" sh -c "jq -e '.status == $2' body > /dev/null && jq -r .detail body | grep -Eq -- \"\$0\"" "$3"
}
same_json() { # what, command...: body equals the command's --json output
	what=$1; shift
	"$@" > cli.json 2> /dev/null
	check "$what is what the command prints" sh -c 'jq -S . body > a.json && jq -S . cli.json > b.json && cmp -s a.json b.json'
}

# the parties: two suppliers (each declaration with its report), and the
# manufacturer whose ledger is served, trusting them
sdx init -L toys.db --origin example.com/toys --unencrypted > /dev/null
sdx key show -L toys.db --vkey > toys.vkey
for d in haixing:pvc-toy-grade:cnas-l1234-report-2026-1006 redstone:pigment:cnas-l5678-report-2026-0821 \
	 redstone:yellow-pigment:cnas-l5678-report-2026-0909; do
	p=${d%%:*} decl=${d#*:}; rep=${decl#*:}; decl=${decl%%:*}
	[ -f $p.db ] || { sdx init -L $p.db --origin example.com/$p --unencrypted > /dev/null &&
		sdx key show -L $p.db --vkey > $p.vkey && sdx trust add -L toys.db $p.vkey > /dev/null; }
	sdx declare -L $p.db "$D/$decl-declaration.json" --attach "$R/$rep.txt" > /dev/null 2>&1
done
for p in haixing redstone; do sdx export -L $p.db --all -o ${p%"${p#?}"}.sdxb > /dev/null; done

# tokens
expect 2 "token add needs a scope" sdx serve token add -L toys.db
expect 0 "token add --scope read" sdx serve token add -L toys.db --scope read --name reader
RD=$(cat "$out")
check "prints the token once, only on stdout" sh -c "grep -Eq '^sdx_[A-Za-z0-9_-]{43}$' '$out' && ! grep -q '$RD' '$err'"
WR=$(sdx serve token add -L toys.db --scope write --name erp 2> /dev/null)
AD=$(sdx serve token add -L toys.db --scope admin --name admin 2> /dev/null)
OLD=$(sdx serve token add -L toys.db --scope admin --name old 2> /dev/null)
# one for each concurrent writer: the rate is counted per token
for w in 1 2 3 4 5 6 7 8; do sdx serve token add -L toys.db --scope write --name w$w > wtok.$w 2> /dev/null; done
expect 2 "a second token of one name" sdx serve token add -L toys.db --scope read --name erp
expect 0 "token list" sdx serve token list -L toys.db --json
check "lists twelve, without the tokens" sh -c "[ \$(jq length '$out') = 12 ] && ! grep -q sdx_ '$out'"
check "the ledger keeps only hashes" sh -c "! sqlite3 toys.db .dump | grep -q '$WR'"
expect 0 "token revoke" sdx serve token revoke -L toys.db old
expect 2 "revoking it again" sdx serve token revoke -L toys.db old

# listening
expect 2 "a non-loopback --listen without --allow-remote" sdx serve -L toys.db --listen 0.0.0.0:0
expect_err "says why" "not a loopback address"
expect 2 "a --listen without a port" sdx serve -L toys.db --listen 127.0.0.1

start_server s1 -L toys.db --max-body 64K
[ -n "$CAP" ] && curl -s --max-time 10 "$U/openapi.json" > "$CAP/openapi.json"
call "" GET /openapi.json /openapi.json
is "/openapi.json is public" 200
check "and is formats/openapi.json" cmp -s body "$DATA/../../formats/openapi.json"

# authentication and scope
call "" GET /v1/entries /v1/entries
problem "no token" 401 "needs a bearer token of scope read"
call "$OLD" GET /v1/entries /v1/entries
problem "a revoked token" 401 "not one of this ledger"
call "sdx_nope" GET /v1/entries /v1/entries
problem "a wrong token" 401 "not one of this ledger"
call "$RD" POST /v1/declarations /v1/declarations --data-binary @"$D/pvc-compound-declaration.json"
problem "a read token writing" 403 "scope read; POST /v1/declarations needs write"
call "$WR" POST /v1/import /v1/import --data-binary @h.sdxb
problem "a write token importing" 403 "needs admin"
call "$RD" GET /v1/whoami /v1/whoami
is "whoami" 200
check "names the token" test "$(jq -r '.name + " " + .scope' body)" = "reader read"
call "$RD" GET /v1/nothing -
problem "an unknown path" 404 "no such resource"
call "$RD" DELETE /v1/entries -
problem "an unknown method" 405 "DELETE is not allowed"

# imports (admin) and attachments (write)
call "$AD" POST /v1/import /v1/import --data-binary @h.sdxb -H 'Content-Type: application/octet-stream'
is "import a bundle" 201
check "as sdx import --json says" test "$(jq -r '.already_imported, .entries' body | tr '\n' ' ')" = "false 2 "
call "$AD" POST /v1/import /v1/import --data-binary @h.sdxb
is "the same bundle again: nothing to do" 200
call "$AD" POST /v1/import /v1/import --data-binary @r.sdxb
is "the other supplier's bundle" 201
call "$AD" POST /v1/import /v1/import --data-binary @"$D/withdrawal.json"
problem "a bundle that is not one" 400 "."
call "$WR" POST /v1/attachments /v1/attachments --data-binary @"$R/cnas-l9012-product-report-2026-1020.txt"
is "an attachment" 201
rep=$(jq -r .sha256 body)
check "by its SHA-256" test "$rep" = "$(sha256sum "$R/cnas-l9012-product-report-2026-1020.txt" | cut -c1-64)"
head -c 70000 /dev/zero > big
call "$WR" POST /v1/attachments /v1/attachments --data-binary @big
problem "an attachment over --max-body" 413 "larger than the limit of 65536"
call "$WR" POST /v1/attachments /v1/attachments --data-binary @big -H 'Transfer-Encoding: chunked'
problem "a chunked one over --max-body" 413 "larger than the limit"
call "$RD" GET "/v1/attachments/$rep" "/v1/attachments/{sha256}"
is "get it back" 200
check "byte for byte" cmp -s body "$R/cnas-l9012-product-report-2026-1020.txt"
call "$RD" GET /v1/attachments/abcd "/v1/attachments/{sha256}"
problem "a bad hash" 400 "not a SHA-256"

# records
pvc=$(leaf haixing.db "toy grade"); yellow=$(leaf redstone.db yellow); red=$(leaf redstone.db red)
check "the imported declarations are there" test "$(sdx inbox -L toys.db --entries --json | jq -r '.[].leaf_hash' | grep -c "$pvc\|$yellow\|$red")" = 3
jq --arg a "$pvc" --arg b "$yellow" --arg c "$red" '.inputs[0].entry=$a | .inputs[1].entry=$b | .inputs[2].entry=$c' \
	"$D/bath-duck-batch.json" > batch.json
n0=$(sdx log -L toys.db | wc -l)
jq '.batch_id = 5' batch.json > bad.json
call "$WR" POST /v1/batches /v1/batches --data-binary @bad.json
problem "a bad batch" 400 "batch_id"
check "wrote nothing" test "$(sdx log -L toys.db | wc -l)" = "$n0"
printf '{"declaration_id": ' > broken.json
call "$WR" POST /v1/declarations /v1/declarations --data-binary @broken.json
problem "a record that is not JSON" 400 "."
jq -s '.[0], .[1]' batch.json bad.json | jq -s . > two.json
call "$WR" POST /v1/batches /v1/batches --data-binary @two.json
problem "an array with one bad record" 400 "record 2"
check "wrote nothing of it" test "$(sdx log -L toys.db | wc -l)" = "$n0"
call "$WR" POST /v1/batches /v1/batches --data-binary @batch.json -H 'Content-Type: application/json'
is "a batch" 201
check "answers as sdx batch --json" test "$(jq -r '.[0].input + " " + (.[0].index|tostring)' body)" = "request body $n0"
duck=$(jq -r '.[0].leaf_hash' body)
sdx ship -L toys.db --dry-run --id S1 --date 2026-11-20 --exporter "Cixi Little Harbour Toys Co., Ltd." \
	--exporter-id USCI:91330282MA2CX7LH5B --exporter-country CN --to US --port CNNGB \
	--consignee "Bath Time Inc." --item "$duck:240:H87" > ship.json 2> ship.err
call "$WR" POST /v1/shipments /v1/shipments --data-binary @ship.json
is "a shipment" 201
ship=$(jq -r '.[0].leaf_hash' body)

# reads, each as its command prints it with --json
call "$RD" GET "/v1/entries?from=1&limit=2" /v1/entries
is "a page of the log" 200
check "two entries and the next index" test "$(jq -c '[.entries[].index], .next' body | tr '\n' ' ')" = "[1,2] 3 "
call "$RD" GET "/v1/entries?from=0&limit=1000" /v1/entries
check "the whole log is sdx log --json" sh -c "jq -c '.entries[]' body > a && \"\$SDX\" log -L toys.db --json | jq -c . > b && cmp -s a b"
check "the last page says no next" test "$(jq .next body)" = null
call "$RD" GET "/v1/entries?limit=0" /v1/entries
problem "a page of 0" 400 "limit"
call "$RD" GET "/v1/entries?from=x" /v1/entries
problem "a bad number" 400 "'from'"
call "$RD" GET "/v1/entries/$duck" "/v1/entries/{ref}"
is "show" 200
same_json "show" sdx show -L toys.db "$duck" --json
call "$RD" GET "/v1/entries/$duck/raw" "/v1/entries/{ref}/raw"
sdx show -L toys.db "$duck" --raw > raw
check "show raw is the envelope" cmp -s body raw
call "$RD" GET /v1/entries/ffff0000 "/v1/entries/{ref}"
problem "an unknown entry" 404 "."
call "$RD" GET "/v1/proofs/inclusion/$duck" "/v1/proofs/inclusion/{ref}"
same_json "an inclusion proof" sdx prove -L toys.db "$duck" --json
call "$RD" GET "/v1/proofs/consistency?from=2" /v1/proofs/consistency
same_json "a consistency proof" sdx prove -L toys.db --from 2 --json
call "$RD" GET "/v1/proofs/consistency" /v1/proofs/consistency
problem "a consistency proof without from" 400 "'from'"
call "$RD" GET "/v1/trace/$ship" "/v1/trace/{ref}"
same_json "trace" sdx trace -L toys.db "$ship" --json
call "$RD" GET "/v1/trace/S1" "/v1/trace/{ref}"
same_json "trace by shipment id" sdx trace -L toys.db S1 --json
call "$RD" GET "/v1/where-used/$pvc" "/v1/where-used/{ref}"
same_json "where-used" sdx where-used -L toys.db "$pvc" --json
call "$RD" GET "/v1/where-used?lot=HX2609-0417" /v1/where-used
same_json "where-used --lot" sdx where-used -L toys.db --lot HX2609-0417 --json
call "$RD" GET /v1/where-used /v1/where-used
problem "where-used of nothing" 400 "give a REF"
call "$RD" GET "/v1/check/$ship?profile=us-cpsia&profile=eu-rohs" "/v1/check/{ref}"
is "check" 200
same_json "check --profile" sdx check -L toys.db "$ship" --profile us-cpsia --profile eu-rohs --json
call "$RD" GET "/v1/check/$ship" "/v1/check/{ref}"
same_json "check with every profile" sdx check -L toys.db "$ship" --json
call "$RD" GET "/v1/check/$ship?profile=no-such" "/v1/check/{ref}"
problem "an unknown profile" 404 "no-such"
call "$RD" GET /v1/profiles /v1/profiles
check "the profiles" test "$(jq length body)" = "$(sdx check --list | wc -l)"
call "$RD" GET /v1/verify /v1/verify
is "verify" 200
same_json "verify" sh -c '"$SDX" verify -L toys.db --json | jq ".threads = $(jq .threads body)"'
call "$RD" GET "/v1/export?provenance=$ship&to=example.com/broker" /v1/export
check "export --provenance: a bundle" test "$status $ctype" = "200 application/vnd.sdx.bundle"
cp body s1.sdxb
expect 0 "which verifies offline" sdx verify s1.sdxb --trust toys.vkey --trust haixing.vkey --trust redstone.vkey
call "$RD" GET /v1/export /v1/export
problem "an export of nothing" 400 "nothing selected"

# tiles, as sdx publish writes them
sdx publish -L toys.db pub > /dev/null
call "" GET /checkpoint /checkpoint
check "/checkpoint is public and the published one" sh -c "test $status = 200 && cmp -s body pub/checkpoint"
check "short-lived" sh -c "curl -s --max-time 10 -D - -o /dev/null $U/checkpoint | grep -qi '^cache-control: public, max-age=10'"
bad=
for f in $(cd pub && find tile -type f | sort); do
	case $f in tile/entries/*) tok=$RD tmpl="/tile/entries/{index}" ;; *) tok= tmpl="/tile/{level}/{index}" ;; esac
	call "$tok" GET "/$f" "$tmpl"
	[ "$status" = 200 ] && cmp -s body "pub/$f" || bad="$bad $f"
done
check "every tile byte for byte as published${bad:+:$bad}" test -z "$bad"
call "" GET /tile/entries/000.p/1 "/tile/entries/{index}"
problem "entry tiles need a token" 401 "needs a bearer token"
call "" GET /tile/0/000.p/99 "/tile/{level}/{index}"
problem "a tile beyond the tree" 404 "not in the tree"
call "" GET /tile/9/000 "/tile/{level}/{index}"
problem "not a tile path" 404 "not a tile path"

# 8 concurrent writers x 200 records: one chain
jq -c . "$D/pvc-compound-declaration.json" > one.json
writers() { # N writers, M records each, id prefix; writer w posts with token wtok.w
	w=0
	while [ $w -lt "$1" ]; do
		w=$((w + 1))
		i=0
		while [ $i -lt "$2" ]; do
			i=$((i + 1))
			# named in the material too, so that the log's summary shows it
			sed "s/\"HX-DOC-2026-0920-01\"/\"$3$w-$i\"/; s/Shore A 70/Shore A 70 #$3$w-$i/" one.json > r$3$w-$i.json
			[ $i = 1 ] || echo next
			printf 'url = "%s/v1/declarations"\ndata-binary = "@r%s%s-%s.json"\nheader = "Authorization: Bearer %s"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
				"$U" "$3" "$w" "$i" "$(cat wtok.$w)"
		done > w$3$w.cfg
	done
	w=0 wpids=
	while [ $w -lt "$1" ]; do
		w=$((w + 1))
		curl -s --max-time 300 -K w$3$w.cfg > w$3$w.codes 2> /dev/null &
		wpids="$wpids $!"
	done
}
call "$WR" POST /v1/attachments /v1/attachments --data-binary @"$R/cnas-l1234-report-2026-0917.txt"
n0=$(sdx log -L toys.db | wc -l)
writers 8 200 A
for j in $wpids; do wait "$j"; done
check "1600 records acknowledged" test "$(cat wA*.codes | grep -c '^201$')" = 1600
check "1600 entries landed" test "$(sdx log -L toys.db | wc -l)" = $((n0 + 1600))
expect 0 "one chain that verifies" sdx verify -L toys.db
sqlite3 toys.db "SELECT idx FROM entries" > /dev/null
sdx log -L toys.db --json --type declaration | jq -r .summary | sed -n 's/.* #\(A[1-8]-[0-9]*\) .*/\1/p' > ids
check "each record once" test "$(sort -u ids | wc -l)" = 1600
check "each writer's in its own order" sh -c '
	for w in 1 2 3 4 5 6 7 8; do
		grep "^A$w-" ids | cut -d- -f2 > got.$w
		sort -n got.$w | cmp -s - got.$w || exit 1
	done'
call "$WR" POST /v1/withdrawals /v1/withdrawals --data-binary @"$D/withdrawal.json"
problem "a withdrawal of what is not held" 422 "."
first=$(sdx log -L toys.db --json --type declaration | jq -r 'select(.summary | contains("#A1-1 ")) | .leaf_hash')
jq --arg w "$first" '.withdraws = $w' "$D/withdrawal.json" > wd.json
call "$WR" POST /v1/withdrawals /v1/withdrawals --data-binary @wd.json
is "a withdrawal" 201

# SIGTERM under load: what was acknowledged is there, and the chain verifies
n0=$(sdx log -L toys.db | wc -l)
writers 4 150 B
n=0
while [ "$(cat wB*.codes 2> /dev/null | grep -c '^201$')" -lt 40 ] && [ $n -lt 300 ]; do sleep 0.1; n=$((n + 1)); done
kill -TERM $spid
wait $spid; src=$?
for j in $wpids; do wait "$j"; done
check "the server exits 0 on SIGTERM" test "$src" = 0
check "saying so" grep -q 'stopped on signal 15' s1.err
acked=$(cat wB*.codes | grep -c '^201$')
check "it stopped mid-load ($acked of 600 acknowledged)" test "$acked" -gt 0 -a "$acked" -lt 600
sdx log -L toys.db --json --type declaration | jq -r .summary | sed -n 's/.* #\(B[1-4]-[0-9]*\) .*/\1/p' | sort > have
lost=
for w in 1 2 3 4; do
	i=0
	for c in $(cat wB$w.codes); do
		i=$((i + 1))
		[ "$c" = 201 ] && { grep -qx "B$w-$i" have || lost="$lost B$w-$i"; }
	done
done
check "every acknowledged record is in the ledger${lost:+: lost$lost}" test -z "$lost"
expect 0 "and the chain verifies" sdx verify -L toys.db

# --public-entries: entry tiles without a token
start_server s2 -L toys.db --public-entries --rate 5
rm -rf pub && sdx publish -L toys.db pub > /dev/null
call "" GET /tile/entries/000 "/tile/entries/{index}"
check "with --public-entries entry tiles are public" sh -c "test $status = 200 && cmp -s body pub/tile/entries/000"
check "full tiles are immutable" sh -c "curl -s --max-time 10 -D - -o /dev/null $U/tile/0/000 | grep -qi '^cache-control: public, max-age=31536000, immutable'"
# rate: a token over its rate gets 429 (this server allows 5 a second)
: > codes
i=0; while [ $i -lt 30 ]; do echo "url = \"$U/v1/whoami\""; echo 'output = "/dev/null"'; echo 'write-out = "%{http_code}\n"'; i=$((i + 1)); done > rate.cfg
curl -s --max-time 60 -H "Authorization: Bearer $RD" -K rate.cfg > codes
check "30 requests at once: some are 429" grep -q '^429$' codes
check "and the others 200" test "$(grep -c -v '^429$\|^200$' codes)" = 0
call "$RD" GET /v1/whoami /v1/whoami
problem "over the rate" 429 "more than 5 requests a second"
kill -TERM $spid
wait $spid

# --witness: POST /add-checkpoint (C2SP tlog-witness; formats/witness.md, t0037)
sdx init -L w.db --origin witness.example/w1 --unencrypted > /dev/null
sdx witness add-log -L w.db "$(cat toys.vkey)" > /dev/null
start_server s3 -L w.db --witness
{ printf 'old 0\n\n'; sdx checkpoint -L toys.db; } > cosign.req
call "" POST /add-checkpoint /add-checkpoint --data-binary @cosign.req
check "a witness cosigns the first checkpoint: 200" sh -c "test $status = 200 && grep -q '^— witness.example/w1 ' body"
call "" POST /add-checkpoint /add-checkpoint --data-binary @cosign.req
check "again from size 0: 409 with the size cosigned" sh -c "test '$status $ctype' = '409 text/x.tlog.size' && grep -Eqx '[0-9]+' body"
{ printf 'old 0\n\n'; sdx checkpoint -L haixing.db; } > unknown.req
call "" POST /add-checkpoint /add-checkpoint --data-binary @unknown.req
problem "a log it does not witness" 404 "unknown log origin example.com/haixing"
printf 'old x\n' > junk.req
call "" POST /add-checkpoint /add-checkpoint --data-binary @junk.req
problem "a malformed request" 400 "old SIZE"
kill -TERM $spid
wait $spid
