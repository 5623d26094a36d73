#!/bin/sh
# Chinese output where people read it (#21 item 6, po/README): sdx report
# --lang zh-CN writes the demo shipment's page in Simplified Chinese (checked
# with python3's html.parser against the English page: <html lang="zh-CN">,
# the verdict words 合格/不合格/未知/不适用, headings translated, record data
# as entered); sdx check --lang zh-CN prints its headings and the verdict
# reasons in Chinese, --json stays English; the environment (LANGUAGE,
# LC_ALL, LC_MESSAGES, LANG) chooses when --lang is not given; SDX_LOCALEDIR
# overrides where the catalogue is; make check-po fails when po/zh_CN.po
# lacks a translation.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$SCRIPT")/../.." && pwd)
ZC="python3 $(dirname "$SCRIPT")/zh_check.py"
D=$EXAMPLES/data
LABS="--labs $D/labs/example-register.csv"
unset LANGUAGE LC_ALL LC_MESSAGES LANG

SDX_DEMO_DIR=$TMP/demo SDX="$SDX" sh "$EXAMPLES/demo.sh" > demo.out 2>&1
check "the demo's ledgers are made" test -f demo/export.db
L="-L demo/export.db"

expect 0 "the shipment's report in English" sdx report $L NBX-2611-0087 $LABS -o en.html
expect 0 "the shipment's report in Chinese" sdx report $L NBX-2611-0087 $LABS --lang zh-CN -o zh.html
sdx trace $L NBX-2611-0087 --json > trace.json
check "zh-CN page: lang, verdict words, headings in Chinese, record data as entered" \
	$ZC zh.html en.html trace.json
check "the overall verdict reads 不合格" grep -q '总体结论： <span class="tag">不合格</span>' zh.html
check "CPSIA's lead reason in Chinese, the substance as declared" \
	grep -q 'lead (Pb) 120 mg/kg 超出限值（每项 &lt;= 100 mg/kg）' zh.html
check "the English page has no Chinese" sh -c '! grep -q "合格\|结论" en.html'
expect 0 "--lang en is the default page, byte for byte" sdx report $L NBX-2611-0087 $LABS --lang en -o en2.html
check "same bytes" cmp -s en.html en2.html
expect 2 "an unknown --lang: refused" sdx report $L NBX-2611-0087 --lang fr -o fr.html
expect_err "says what it takes" "--lang 'fr': expected zh-CN or en"
check "nothing written for it" test ! -e fr.html
expect 4 "an error under --lang zh-CN" sdx report $L NBX-2611-0087 --lang zh-CN -o nodir/zh.html
expect_err "stays English, the C library's words too" "^sdx: cannot write '.*': No such file or directory$"

expect 5 "sdx check --lang zh-CN: the matrix" sdx check $L NBX-2611-0087 $LABS --lang zh-CN
expect_out "us-cpsia fails, in Chinese, lot as entered" \
	'^  不合格  us-cpsia +批号 RSY42-260905: lead \(Pb\) 120 mg/kg 超出限值（每项 <= 100 mg/kg）$'
expect_out "a profile out of scope: 不适用 and why" '^  不适用  eu-rohs +目的地 US 不在本合规方案涵盖的市场之列'
expect_out "green clearance passes: 合格" '^  合格    cn-green-clearance-infant$'
expect 5 "--profile us-cpsia --lang zh-CN: every verdict" \
	sdx check $L NBX-2611-0087 $LABS --profile us-cpsia --lang zh-CN
expect_out "its summary line" '^  结论：不合格 \(合格 3 项，不合格 1 项，未知 0 项，不适用 2 项\)$'
expect_out "a material-class reason, the classes as in the profile" \
	'该规则判定 plasticised, polymer, rubber, coating, ink, adhesive, masterbatch 类材料'
expect_out "the rule titles and record labels stay as entered" 'Lead in substrate - declaration RS-CoC-2026-0912'
expect 5 "in English without --lang" sdx check $L NBX-2611-0087 $LABS --profile us-cpsia
expect_out "English verdict line" '^  verdict: fail \(3 pass, 1 fail, 0 unknown, 2 not applicable\)$'
cp "$out" en-check.out
expect 5 "LANG=zh_CN.UTF-8 chooses Chinese" env LANG=zh_CN.UTF-8 "$SDX" check $L NBX-2611-0087 $LABS --profile us-cpsia
expect_out "Chinese from the environment" '^  结论：不合格'
expect 5 "LC_ALL=C with --lang zh-CN: Chinese all the same" \
	env LC_ALL=C "$SDX" check $L NBX-2611-0087 $LABS --profile us-cpsia --lang zh-CN
expect_out "still Chinese" '^  结论：不合格'
expect 5 "LANGUAGE=zh_CN but --lang en: English" \
	env LANGUAGE=zh_CN LANG=zh_CN.UTF-8 "$SDX" check $L NBX-2611-0087 $LABS --profile us-cpsia --lang en
check "the English output, byte for byte" cmp -s "$out" en-check.out
expect 5 "--json with --lang zh-CN: machine values and English reasons" \
	sdx check $L NBX-2611-0087 $LABS --profile us-cpsia --lang zh-CN --json
check "verdict fail, reason in English" sh -c "jq -e '.[0].verdict == \"fail\" and
	([.[0].results[].reason] | map(test(\"over the limit\")) | any) and
	([.[0].results[].reason] | map(test(\"[\\\\p{Han}]\")) | any | not)' $out > /dev/null"
mkdir empty
expect 5 "SDX_LOCALEDIR names where the catalogue is (an empty directory: English)" \
	env SDX_LOCALEDIR=$TMP/empty "$SDX" check $L NBX-2611-0087 $LABS --profile us-cpsia --lang zh-CN
check "English, for want of a catalogue" cmp -s "$out" en-check.out

# make check-po: a catalogue that lacks a translation fails it
cp -r "$ROOT/po" po
expect 0 "make check-po passes on the catalogue as shipped" \
	make -s -C "$ROOT" check-po PODIR="$TMP/po" BUILD="$TMP/b"
awk 'BEGIN{n=0} /^msgid "Provenance"$/{print; getline; print "msgstr \"\""; next} {print}' \
	po/zh_CN.po > po/zh_CN.po.new && mv po/zh_CN.po.new po/zh_CN.po
check "one translation blanked" grep -q -A1 '^msgid "Provenance"$' po/zh_CN.po
expect 2 "make check-po fails when po/zh_CN.po lacks one" \
	make -s -C "$ROOT" check-po PODIR="$TMP/po" BUILD="$TMP/b"
expect_err "msgcmp says where" 'zh_CN.po:[0-9]+: this message is untranslated'
