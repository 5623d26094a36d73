# tests/fuzz/fuzz.mk - libFuzzer targets (tests/fuzz/README.md); included by the Makefile.
#
#   make fuzz                     build every target, run each for FUZZ_SECONDS (10)
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS="note dsse"
#   make fuzz-build               only build them, into build-fuzz/fuzz/<target>
#   make fuzz-corpus              rewrite the generated seeds (corpus/*/seed-*)
#   make fuzz-replay              build the replay binaries of this build, $(BUILD)/fuzz-replay/<target>
#
# The library is built once more, by a sub-make with BUILD=build-fuzz, CC=clang and
# SANFLAGS for libFuzzer + ASan + UBSan, so that the rules and flags above (the
# generated schemas, ALL_CFLAGS, the warnings) apply unchanged.  Each target runs on
# build-fuzz/corpus/<target>, a working copy seeded from tests/fuzz/corpus/<target>,
# which stays as committed.  Not part of `make check`.
#
# `make check` replays instead: every target is linked once more, with the normal compiler
# and flags of each build (build/, build-san/), against tests/fuzz/replay.c in place of
# libFuzzer, and tests/run.sh feeds it the regression inputs and the seeds.

FUZZ_BUILD    = build-fuzz
FUZZ_CC      ?= clang
FUZZ_CFLAGS  ?= -O1 -g
FUZZ_SECONDS ?= 10
FUZZ_SANFLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz/%)
FUZZ_SUB      = $(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
                CFLAGS="$(FUZZ_CFLAGS)" SANFLAGS="$(FUZZ_SANFLAGS)"

FUZZ_REPLAY_BINS = $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/fuzz-replay/%,$(wildcard tests/fuzz/fuzz_*.c))

.PHONY: fuzz-build fuzz-corpus fuzz-clean fuzz-replay

fuzz: deps
	$(Q)$(FUZZ_SUB) fuzz-build
	$(Q)FUZZ_BUILD=$(FUZZ_BUILD) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-build: $(if $(filter $(FUZZ_BUILD),$(BUILD)),$(FUZZ_BINS),fuzz-sub-build)

fuzz-corpus:
	$(Q)$(FUZZ_SUB) $(FUZZ_BUILD)/fuzz/mkseed
	$(Q)$(FUZZ_BUILD)/fuzz/mkseed

.PHONY: fuzz-sub-build
fuzz-sub-build:
	$(Q)$(FUZZ_SUB) fuzz-build

# (inside the sub-make: $(BUILD) is $(FUZZ_BUILD))
$(FUZZ_BUILD)/fuzz/%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_BUILD)/tests/fuzz/common.o \
		$(FUZZ_BUILD)/libsdx.a
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/tests/fuzz/common.o \
		$(FUZZ_BUILD)/libsdx.a $(DEPLIBS)

$(FUZZ_BUILD)/fuzz/mkseed: $(FUZZ_BUILD)/tests/fuzz/mkseed.o $(FUZZ_BUILD)/tests/fuzz/common.o \
		$(FUZZ_BUILD)/libsdx.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPLIBS)

fuzz-replay: $(FUZZ_REPLAY_BINS)
test: $(FUZZ_REPLAY_BINS)

$(BUILD)/fuzz-replay/%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o \
		$(BUILD)/tests/fuzz/common.o $(BUILD)/libsdx.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(DEPLIBS)

clean: fuzz-clean
fuzz-clean:
	rm -rf $(FUZZ_BUILD)
