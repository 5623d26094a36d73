#!/bin/sh
# sdx export and sdx verify FILE.sdxb: offline checks, trust, tampering.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
sdx init -L s.db --origin example.com/acme --unencrypted > /dev/null
sdx declare -L s.db "$D/pvc-compound-declaration.json" --attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null 2>&1
sdx declare -L s.db "$D/pigment-declaration.json" --attach "$D/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
vkey=$(sdx key show -L s.db --vkey)

expect 2 "export needs -o" sdx export -L s.db 1
golden export-no-output "says -o is required"
expect 2 "export needs a selection" sdx export -L s.db -o x.sdxb
golden export-no-selection "says what may be selected"
expect 0 "export two declarations" sdx export -L s.db 1 2 --to example.com/buyer -o b.sdxb
golden export "export summary"
expect 2 "export refuses to overwrite" sdx export -L s.db 1 -o b.sdxb
golden export-exists "names the file"
expect 0 "export by lot" sdx export -L s.db --lot HX2609-0418 -o lot.sdxb
golden export-lot "one declaration covers the lot"
expect 2 "export of an unknown lot" sdx export -L s.db --lot NOPE -o none.sdxb
golden export-lot-unknown "names the lot"
check "a refused export leaves no file" test ! -e none.sdxb
check "gzip" sh -c "gzip -t b.sdxb"
check "manifest first" sh -c "tar -tzf b.sdxb | head -n 1 | grep -qx MANIFEST.dsse"

expect 0 "verify with the trusted key" sdx verify b.sdxb --trust "$vkey"
golden verify "names the producer and the recipient, counts the entries"
echo "$vkey" > trusted.keys
expect 0 "verify with a key file" sdx verify b.sdxb --trust trusted.keys
expect 3 "an unknown key is untrusted" sdx verify b.sdxb
golden untrusted "says whose key"
expect 0 "trust on first use" sdx verify b.sdxb --trust-on-first-use
golden tofu "says which key it now trusts"
expect 0 "verify --json" sdx verify b.sdxb --trust "$vkey" --json
check "json result ok" test "$(jq -r .result "$out")" = ok
golden verify-json "the report as JSON"
sdx init -L other.db --origin example.com/other --unencrypted > /dev/null
expect 3 "another party's key does not help" sdx verify b.sdxb --trust "$(sdx key show -L other.db --vkey)"
golden other-key "names the producer's origin"

# the same selection twice: identical but for the manifest's time
SDX_TIME=2026-11-23T00:00:00Z sdx export -L s.db 1 2 -o d1.sdxb > /dev/null
SDX_TIME=2026-11-23T00:00:00Z sdx export -L s.db 1 2 -o d2.sdxb > /dev/null
check "export is deterministic" cmp d1.sdxb d2.sdxb

# tampering: rebuild the archive with one member changed
mkdir t && (cd t && tar -xzf ../b.sdxb)
retar() { (cd t && find . -type f | sed 's|^\./||' | LC_ALL=C sort |
	tar --owner=0 --group=0 --numeric-owner --mtime=@0 --no-recursion -czf "../$1" -T -); }
cp t/ledgers/0/entries entries.orig
printf 'X' | dd of=t/ledgers/0/entries bs=1 seek=200 conv=notrunc 2>/dev/null
retar bad-entry.sdxb
expect 1 "a changed entry byte is caught" sdx verify bad-entry.sdxb --trust "$vkey"
golden bad-entry "names the entry, caught by its inclusion proof to the signed root"
expect 1 "--signatures: a changed entry byte is caught" sdx verify bad-entry.sdxb --trust "$vkey" --signatures
golden bad-entry-signatures "names the entry, caught by its signature"
cp entries.orig t/ledgers/0/entries
att=$(ls t/attachments | head -n 1)
cp "t/attachments/$att" att.orig
echo "forged" >> "t/attachments/$att"
retar bad-att.sdxb
expect 1 "a changed attachment is caught" sdx verify bad-att.sdxb --trust "$vkey"
golden bad-attachment "names the attachment"
cp att.orig "t/attachments/$att"
echo extra > t/ledgers/0/extra
retar extra.sdxb
expect 1 "a member not in the manifest is refused" sdx verify extra.sdxb --trust "$vkey"
golden extra-member "names it"
rm t/ledgers/0/extra
rm "t/attachments/$att"
retar missing.sdxb
expect 1 "a missing member is refused" sdx verify missing.sdxb --trust "$vkey"
golden missing-member "names it"
cp att.orig "t/attachments/$att"
cp t/MANIFEST.dsse manifest.orig
sed 's/"payload":"./"payload":"A/' t/MANIFEST.dsse > m && mv m t/MANIFEST.dsse
retar bad-manifest.sdxb
expect 1 "a changed manifest is refused" sdx verify bad-manifest.sdxb --trust "$vkey"
golden bad-manifest "says the manifest is corrupt"
cp manifest.orig t/MANIFEST.dsse

# unreadable input
echo "not a bundle" > junk.sdxb
expect 2 "a text file is not a bundle" sdx verify junk.sdxb
golden junk "says not gzip"
head -c 300 b.sdxb > cut.sdxb
expect 2 "a truncated bundle" sdx verify cut.sdxb --trust "$vkey"
golden truncated "says where it ends"
(cd t && ln -s /etc/passwd link && tar -czf ../link.sdxb MANIFEST.dsse link)
expect 2 "a symlink member is refused" sdx verify link.sdxb --trust "$vkey"
golden symlink "names the member"
(cd t && tar -czf ../abs.sdxb -P /etc/hostname 2>/dev/null || tar -czf ../abs.sdxb MANIFEST.dsse)
expect 2 "a bundle without the manifest first" sdx verify abs.sdxb --trust "$vkey"
expect 2 "a missing bundle" sdx verify nowhere.sdxb
golden no-bundle "names the file"

# limits, and the flags that raise them
expect 2 "a member over --max-member" sdx verify b.sdxb --trust "$vkey" --max-member 1K
golden max-member "names the member and the limit"
expect 0 "a raised limit passes" sdx verify b.sdxb --trust "$vkey" --max-member 64M
expect 2 "more entries than --max-entries" sdx verify b.sdxb --trust "$vkey" --max-entries 1
golden max-entries "says to raise it"
expect 2 "a bad size" sdx verify b.sdxb --max-member lots
golden bad-size "says what a size is"

# A ledger with a checkpoint per entry: its bundle carries 1,024 consistency
# proofs, a consistency.json of about 600 KB, which bundle reading once
# refused as not canonical (it read the member whole, further ahead than the
# canonical comparison keeps).
sdx init -L cp.db --origin example.com/many-checkpoints --unencrypted > /dev/null
jq -c '.declaration_id = "D-\(range(0; 1100))"' "$EXAMPLES/data/pigment-declaration.json" 2>/dev/null > many.jsonl ||
	for i in $(seq 1 1100); do jq -c ".declaration_id = \"D-$i\"" "$EXAMPLES/data/pigment-declaration.json"; done > many.jsonl
sdx declare -L cp.db --jsonl many.jsonl --batch 1 \
	--attach "$EXAMPLES/data/reports/cnas-l5678-report-2026-0821.txt" > /dev/null 2>&1
expect 0 "a bundle with 1,024 consistency proofs is written" sdx export -L cp.db --all -o cp.sdxb
check "its consistency.json is larger than what reading buffers" \
	test "$(gzip -dc cp.sdxb | tar tvf - ledgers/0/consistency.json | awk '{ print $3 }')" -gt 300000
sdx key show -L cp.db --vkey > cp.vkey
expect 0 "and verifies" sdx verify cp.sdxb --trust cp.vkey
