#!/bin/sh
# log, show, checkpoint, prove and publish on a real ledger.
. "$(dirname "$0")/lib.sh"

sdx init -L t.db --origin example.com/acme --unencrypted > /dev/null
sdx declare -L t.db "$EXAMPLES/data/pvc-compound-declaration.json" \
	--attach "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt" > /dev/null
sdx declare -L t.db "$EXAMPLES/data/pigment-declaration.json" \
	--attach "$EXAMPLES/data/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1

expect 0 "log" sdx log -L t.db
expect_out "log shows genesis" "^ +0 .* genesis +[0-9a-f]{16}  ledger example.com/acme"
expect_out "log shows a declaration" "^ +1 .* declaration "
expect 0 "log --json --type" sdx log -L t.db --json --type declaration
check "two declarations" test "$(wc -l < "$out")" = 2
expect 0 "log --limit" sdx log -L t.db --limit 1
check "one line" test "$(wc -l < "$out")" = 1

expect 0 "show by index" sdx show -L t.db 1
expect_out "show prints the leaf hash" "^leaf hash: [0-9a-f]{64}$"
expect_out "show checks the signature" "^signed by: example.com/acme\+[0-9a-f]{8} \(signature valid\)$"
leaf=$(sed -n 's/^leaf hash: //p' "$out")
# 8 hex digits, or up to the first letter: a prefix of digits only is an index
n=$(expr "$leaf" : '[0-9]*[a-f]'); [ "$n" -ge 8 ] || n=8
prefix=$(printf %s "$leaf" | cut -c1-"$n")
expect 0 "show by leaf-hash prefix" sdx show -L t.db "$prefix"
expect_out "same entry" "^entry: +1$"
expect 0 "show --raw" sdx show -L t.db 1 --raw
check "raw bytes hash to the leaf hash" sh -c "{ printf '\\000'; cat '$out'; } | sha256sum | grep -q '^$leaf '"
expect_out "raw is a DSSE envelope" '^\{"payload":"[A-Za-z0-9+/=]+","payloadType":"application/vnd.sdx.entry.v2\+json","signatures":\[\{"keyid":"example.com/acme\+[0-9a-f]{8}","sig":"'
expect 2 "show an unknown index" sdx show -L t.db 99
expect_err "unknown index is named" "no entry 99"
expect 2 "show an unknown hash prefix" sdx show -L t.db ffffffffff
expect_err "unknown prefix is named" "no entry matches 'ffffffffff'"

expect 0 "checkpoint" sdx checkpoint -L t.db
expect_out "checkpoint size line" "^3$"
expect_out "checkpoint signature line" "^— example.com/acme [A-Za-z0-9+/=]{92}$"
expect 0 "checkpoint --json" sdx checkpoint -L t.db --json
expect_out "json tree_size" '"tree_size": 3'

expect 0 "prove --json" sdx prove -L t.db 1 --json
expect_out "inclusion proof fields" '"index": 1,'
expect_out "root hash is base64" '"root_hash": "[A-Za-z0-9+/]{43}="'
check "proof has 2 hashes" test "$(jq '.proof | length' "$out")" = 2
check "leaf hash matches show" test "$(jq -r .leaf_hash "$out" | base64 -d | od -An -tx1 | tr -d ' \n')" = "$leaf"
expect 0 "prove (text)" sdx prove -L t.db 0
expect_out "text proof" "^tree_size: 3$"
expect 0 "consistency proof" sdx prove -L t.db --from 1 --json
expect_out "old size" '"old_size": 1'
expect 2 "prove an unknown entry" sdx prove -L t.db 7
expect 2 "consistency from beyond the tree" sdx prove -L t.db --from 9
expect_err "names the size" "--from 9 is larger than the checkpoint size 3"
expect 2 "--to without --from" sdx prove -L t.db 1 --to 3

expect 0 "publish" sdx publish -L t.db pub
check "checkpoint published" cmp pub/checkpoint "$(sdx checkpoint -L t.db > cp.txt; echo cp.txt)"
check "partial hash tile" test "$(stat -c %s pub/tile/0/000.p/3)" = 96
check "partial entry tile" test -f pub/tile/entries/000.p/3
expect 0 "publish again" sdx publish -L t.db pub
expect_out "nothing new" "0 tiles written"
