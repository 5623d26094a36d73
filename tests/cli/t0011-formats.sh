#!/bin/sh
# Entry format versions: ledgers and bundles written with version 1 entries
# (tests/data/v1, made by an earlier sdx) are read, verified, imported and
# extended; new entries are version 3, whose header lists the cited evidence
# and the record's index keys.
. "$(dirname "$0")/lib.sh"

D=$EXAMPLES/data
V1=$DATA/v1
gzip -dc "$V1/v1.db.gz" > v1.db
cp "$V1/v1.key" v1.key; chmod 600 v1.key
cp "$V1/v1.sdxb" v1.sdxb
sdx key show -L v1.db --vkey > v1.vkey

expect 0 "a version 1 ledger verifies" sdx verify -L v1.db
golden verify-v1 "all its entries"
expect 0 "and with --bodies" sdx verify -L v1.db --bodies
expect 0 "its entries are version 1" sdx show -L v1.db 1 --raw
golden show-raw-v1 "payload type v1"
expect 0 "a version 1 bundle verifies" sdx verify v1.sdxb --trust v1.vkey
golden verify-v1-bundle "says what it checked"
expect 0 "and with --bodies" sdx verify v1.sdxb --trust v1.vkey --bodies

sdx init -L m.db --origin example.com/maker --unencrypted > /dev/null
sdx trust add -L m.db v1.vkey > /dev/null
expect 0 "a version 1 bundle is imported" sdx import -L m.db v1.sdxb
golden import-v1 "all of it"
expect 0 "the importer verifies" sdx verify -L m.db

# the old ledger grows with version 3 entries: one chain, both versions
expect 0 "a version 1 ledger takes new declarations" \
	sdx declare -L v1.db "$D/pp-food-contact-declaration.json" \
	--attach "$D/reports/pp-migration-report-2026-0802.txt"
expect 0 "the new entry is of the version sdx writes now (4)" sdx show -L v1.db 3 --raw
golden show-raw-new "payload type v4"
sdx show -L v1.db 3 --raw | jq -r .payload | base64 -d > payload.json
check "its header lists the report" grep -Eq '^\{"attachments":\["bded20bcc23b[0-9a-f]{52}"\],"body":\{' payload.json
expect 0 "show names the evidence the header lists" sdx show -L v1.db 3
golden show-v3 "one evidence line per attachment"
expect 0 "a version 1 entry has no such list" sdx show -L v1.db 1
golden show-v1 "so show prints none"
expect 0 "the mixed ledger verifies" sdx verify -L v1.db
expect 0 "and with --bodies" sdx verify -L v1.db --bodies
expect 0 "the mixed ledger exports" sdx export -L v1.db --all -o mixed.sdxb
golden export-mixed "with every report"
expect 0 "the mixed bundle verifies" sdx verify mixed.sdxb --trust v1.vkey
expect 0 "and with --bodies" sdx verify mixed.sdxb --trust v1.vkey --bodies
expect 0 "the mixed bundle extends the import" sdx import -L m.db mixed.sdxb
golden import-mixed "what it adds"
expect 0 "the importer still verifies" sdx verify -L m.db

# a version 2 entry whose listed report is gone is named by verify
cp v1.db gone.db
sqlite3 gone.db "DROP TRIGGER attachments_no_delete; DROP TRIGGER chunks_no_delete;
DELETE FROM attachment_chunks WHERE hex(hash) LIKE 'BDED20BCC23B%';
DELETE FROM attachments WHERE hex(hash) LIKE 'BDED20BCC23B%';
CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;
CREATE TRIGGER chunks_no_delete BEFORE DELETE ON attachment_chunks BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
expect 1 "a removed report is caught" sdx verify -L gone.db
golden report-gone "and named"

# version 2 (tests/data/v2) and version 3 (tests/data/v3) files: each ledger
# verifies with its bodies, each bundle verifies and imports
V2=$DATA/v2
gzip -dc "$V2/v2-maker.db.gz" > v2.db
sdx key show -L v2.db --vkey > v2-maker.vkey
expect 0 "a version 2 ledger verifies with its bodies" sdx verify -L v2.db --bodies
expect 0 "a version 2 bundle verifies with its bodies" \
	sdx verify "$V2/v2-maker.sdxb" --trust v2-maker.vkey --trust "$V2/v2-supplier.vkey" --bodies
V3=$DATA/v3
gzip -dc "$V3/v3-maker.db.gz" > v3.db
cp "$V3/v3-maker.key" v3.key; chmod 600 v3.key
sdx key show -L v3.db --vkey > v3-maker.vkey
expect 0 "a version 3 ledger verifies" sdx verify -L v3.db
expect 0 "and with its bodies (the header's index keys are what the bodies give)" \
	sdx verify -L v3.db --bodies
expect 0 "its entries are version 3" sdx show -L v3.db 2 --raw
check "payload type v3" grep -q '"payloadType":"application/vnd.sdx.entry.v3+json"' "$out"
check "stored as signature and payload (schema 9)" \
	test "$(sqlite3 v3.db "SELECT count(*) FROM entries WHERE substr(hex(data), 1, 2) = '01'")" = 4
expect 0 "trace reads the index built from the headers" sdx trace -L v3.db NBX-2612-0001
check "down to the supplier's lot" grep -q 'HX2609-0417' "$out"
expect 0 "a version 3 bundle verifies with its bodies" \
	sdx verify "$V3/v3-maker.sdxb" --trust v3-maker.vkey --trust "$V3/v3-supplier.vkey" --bodies
sdx init -L x.db --origin example.com/exporter --unencrypted > /dev/null
sdx trust add -L x.db v3-maker.vkey > /dev/null
sdx trust add -L x.db "$V3/v3-supplier.vkey" > /dev/null
sdx trust add -L x.db v2-maker.vkey > /dev/null
sdx trust add -L x.db "$V2/v2-supplier.vkey" > /dev/null
expect 0 "and imports" sdx import -L x.db "$V3/v3-maker.sdxb"
expect 0 "beside a version 2 bundle" sdx import -L x.db "$V2/v2-maker.sdxb"
expect 0 "the importer verifies both, with their bodies" sdx verify -L x.db --bodies
# the version 3 ledger takes new entries: one chain
expect 0 "a version 3 ledger takes new declarations" \
	sdx declare -L v3.db "$D/pp-food-contact-declaration.json" \
	--attach "$D/reports/pp-migration-report-2026-0802.txt"
expect 0 "and verifies" sdx verify -L v3.db --bodies
