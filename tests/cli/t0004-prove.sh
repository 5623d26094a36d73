#!/bin/sh
# log, show, checkpoint, prove and publish on a real ledger.
. "$(dirname "$0")/lib.sh"

sdx init -L t.db --origin example.com/acme --unencrypted > /dev/null
sdx declare -L t.db "$EXAMPLES/data/pvc-compound-declaration.json" \
	--attach "$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt" > /dev/null
sdx declare -L t.db "$EXAMPLES/data/pigment-declaration.json" \
	--attach "$EXAMPLES/data/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1

expect 0 "log" sdx log -L t.db
golden log "log shows genesis and the declarations"
expect 0 "log --json --type" sdx log -L t.db --json --type declaration
check "two declarations" test "$(wc -l < "$out")" = 2
golden log-json "one JSON object per line"
expect 0 "log --limit" sdx log -L t.db --limit 1
golden log-limit "one line"

expect 0 "show by index" sdx show -L t.db 1
golden show "show prints the hashes, checks the signature, prints the body"
leaf=$(sed -n 's/^leaf hash: //p' "$out")
# 8 hex digits, or up to the first letter: a prefix of digits only is an index
n=$(expr "$leaf" : '[0-9]*[a-f]'); [ "$n" -ge 8 ] || n=8
prefix=$(printf %s "$leaf" | cut -c1-"$n")
cp "$out" show1.txt
expect 0 "show by leaf-hash prefix" sdx show -L t.db "$prefix"
check "same entry" cmp -s "$out" show1.txt
expect 0 "show --raw" sdx show -L t.db 1 --raw
check "raw bytes hash to the leaf hash" sh -c "{ printf '\\000'; cat '$out'; } | sha256sum | grep -q '^$leaf '"
golden show-raw "raw is a DSSE envelope"
expect 2 "show an unknown index" sdx show -L t.db 99
golden show-unknown "unknown index is named"
expect 2 "show an unknown hash prefix" sdx show -L t.db ffffffffff
golden show-unknown-prefix "unknown prefix is named"

expect 0 "checkpoint" sdx checkpoint -L t.db
golden checkpoint "origin, size, root hash, signature line"
expect 0 "checkpoint --json" sdx checkpoint -L t.db --json
golden checkpoint-json "json tree_size"

expect 0 "prove --json" sdx prove -L t.db 1 --json
golden prove-json "inclusion proof fields"
check "root hash is base64 of 32 bytes" test "$(jq -r .root_hash "$out" | base64 -d | wc -c)" = 32
check "proof has 2 hashes" test "$(jq '.proof | length' "$out")" = 2
check "leaf hash matches show" test "$(jq -r .leaf_hash "$out" | base64 -d | od -An -tx1 | tr -d ' \n')" = "$leaf"
expect 0 "prove (text)" sdx prove -L t.db 0
golden prove "text proof"
expect 0 "consistency proof" sdx prove -L t.db --from 1 --json
golden prove-from "old size"
expect 2 "prove an unknown entry" sdx prove -L t.db 7
golden prove-unknown "names the entry"
expect 2 "consistency from beyond the tree" sdx prove -L t.db --from 9
golden prove-from-beyond "names the size"
expect 2 "--to without --from" sdx prove -L t.db 1 --to 3
golden prove-to "says --from is needed"

expect 0 "publish" sdx publish -L t.db pub
golden publish "counts the tiles"
check "checkpoint published" cmp pub/checkpoint "$(sdx checkpoint -L t.db > cp.txt; echo cp.txt)"
check "partial hash tile" test "$(stat -c %s pub/tile/0/000.p/3)" = 96
check "partial entry tile" test -f pub/tile/entries/000.p/3
expect 0 "publish again" sdx publish -L t.db pub
golden publish-again "nothing new"
