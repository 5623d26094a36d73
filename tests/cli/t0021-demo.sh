#!/bin/sh
# make demo's walkthrough (examples/demo.sh) runs to its end with this sdx,
# and shows what the README promises: an eligible verdict, an ineligible one
# with its reason, and rules that do not apply.
. "$(dirname "$0")/lib.sh"

expect 0 "the walkthrough runs to its end" env NO_COLOR=1 SDX="$SDX" sh "$EXAMPLES/demo.sh"
check "eligible for the green clearance channel" grep -q '^  PASS    cn-green-clearance-infant' "$out"
check "not for the US market, and why" grep -q '^  FAIL    us-cpsia *lot RSY42-260905: lead (Pb) 120 mg/kg over the limit' "$out"
check "EU rules do not apply to a US shipment" grep -q '^  N/A     eu-rohs *destination US is not among the markets' "$out"
check "the customs declaration line of the batch's accredited product report" \
	grep -q '^1,9503.00,LH2610-0315,LH2610-0315,product,630,CNAS L9012/CXQT-2026-10-2207,46,' "$out"
check "the forged bundle is caught" grep -q '(exit code 1: forged)' "$out"
check "the tampered ledger is caught" grep -q '(exit code 1: tampering detected)' "$out"
