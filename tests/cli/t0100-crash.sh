#!/bin/sh
# Crash safety: sdx declare --jsonl, import and checkpoint killed with SIGKILL
# at random moments.  A handful of trials here; 'make torture' runs 100.
TORTURE_TRIALS=5 TORTURE_LINES=300 exec sh "$(dirname "$0")/../torture/crash.sh"
