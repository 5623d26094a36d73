#!/bin/sh
# tests/data/v3/make.sh - write the version 3 fixtures (README.md) with the sdx
# of this tree: run from the top of the tree after 'make', as
#   sh tests/data/v3/make.sh
# Keep what it writes: later sdx are tested on reading exactly these files.
set -e
top=$(pwd)
SDX=${SDX:-$top/build/sdx}
D=$top/examples/data
out=$top/tests/data/v3
W=$(mktemp -d "${TMPDIR:-/tmp}/sdx-v3-XXXXXX")
trap 'rm -rf "$W"' EXIT
export SDX_KDF=min SDX_TIME=2026-12-03T00:00:00Z
cd "$W"
"$SDX" init -L s.db --origin fixtures.example/v3-supplier --unencrypted > /dev/null
"$SDX" declare -L s.db "$D/pvc-compound-declaration.json" \
	--attach "$D/reports/cnas-l1234-report-2026-0917.txt" > /dev/null
"$SDX" export -L s.db --all -o s.sdxb > /dev/null
"$SDX" init -L m.db --origin fixtures.example/v3-maker --unencrypted > /dev/null
"$SDX" trust add -L m.db "$("$SDX" key show -L s.db --vkey)" > /dev/null
"$SDX" import -L m.db s.sdxb > /dev/null
ref=$(sqlite3 m.db "SELECT hex(leaf) FROM foreign_entries WHERE type = 'declaration'" | tr A-F a-f)
"$SDX" batch -L m.db --id LH2612-0001 --product "Bath duck" --hs 9503.00 \
	--date 2026-12-01 --manufacturer "Lucky Toys" --manufacturer-id DUNS:123456789 \
	--manufacturer-country CN --site "Hall 2" --quantity 5000:H87 \
	--input "$ref:HX2609-0417:0.2:TNE" > /dev/null
batch=$("$SDX" log -L m.db --type batch --json | jq -r .leaf_hash)
"$SDX" ship -L m.db --id NBX-2612-0001 --date 2026-12-02 --exporter "Lucky Toys" \
	--exporter-id DUNS:123456789 --exporter-country CN --to DE --port CNNGB \
	--consignee "Kinderwelt GmbH" --consignee-country DE --item "$batch:5000:H87" > /dev/null
ship=$("$SDX" log -L m.db --type shipment --json | jq -r .leaf_hash)
"$SDX" export -L m.db --provenance "$ship" -o m.sdxb > /dev/null
"$SDX" key show -L s.db --vkey > "$out/v3-supplier.vkey"
cp m.key "$out/v3-maker.key"
cp m.sdxb "$out/v3-maker.sdxb"
"$SDX" checkpoint -L m.db > /dev/null # the WAL into the file
gzip -9n < m.db > "$out/v3-maker.db.gz"
echo "wrote $out: shipment $ship, batch $batch, declaration $ref"
