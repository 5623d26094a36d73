# sdx - supplier-declaration exchange.  Plain GNU make; see README.md.
#
#   make            build libsdx.a, libsdx.so and sdx into $(BUILD)/
#   make check      install missing deps, run every test, then again under ASan+UBSan
#   make golden     rewrite the CLI tests' expected output (tests/cli/expected/) from
#                   what sdx prints now; review the change with git diff
#   make demo       install missing deps, build, run the walkthrough in examples/
#   make check-browser  render sdx report's page of the demo in headless Chromium
#                   (installs Debian's chromium if missing); part of check
#   make screenshot regenerate docs/report.png from it
#   make bench      print speed and memory figures (not part of check);
#                   BENCH_BIG=1 adds the 1,000,000-entry bundle and a 1 GiB attachment
#   make torture    crash, tamper and concurrency tests at length (TORTURE_TRIALS=100)
#   make install    PREFIX=/usr/local DESTDIR= (with man pages and bash/zsh completion)
#   make docs       build/man/*.1 and build/completion/ (what install installs)
#   make pot        regenerate po/sdx.pot from the marked strings (po/README)
#   make check-po   fail if po/sdx.pot is stale or po/zh_CN.po lacks a translation
#   V=1             show full commands; SANITIZE=address,undefined for a sanitized build

VERSION   = 0.1.0
SOVERSION = 0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
LIBDIR   ?= $(PREFIX)/lib
INCDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
LOCALEDIR   ?= $(PREFIX)/share/locale
PKG_CONFIG ?= pkg-config
CC       ?= cc
AR       ?= ar

PKGS      = libsodium libcrypto sqlite3 jansson libarchive zlib liblz4 libmicrohttpd libxml-2.0 libcurl libutf8proc

# What each dependency is found by (a command, or a pkg-config module) and the
# Debian package that provides it: 'make deps' installs only what is missing,
# so a Node.js already installed from elsewhere is left alone.
DEB_NEEDS = cmd:$(CC):build-essential cmd:$(PKG_CONFIG):pkg-config \
            pc:libsodium:libsodium-dev pc:libcrypto:libssl-dev pc:sqlite3:libsqlite3-dev \
            pc:jansson:libjansson-dev pc:libarchive:libarchive-dev pc:zlib:zlib1g-dev pc:liblz4:liblz4-dev \
            pc:libmicrohttpd:libmicrohttpd-dev pc:libxml-2.0:libxml2-dev pc:libcurl:libcurl4-openssl-dev pc:libutf8proc:libutf8proc-dev \
            cmd:sqlite3:sqlite3 cmd:jq:jq cmd:mandoc:mandoc cmd:npm:npm cmd:curl:curl \
            cmd:age:age cmd:msgfmt:gettext

ifdef SANITIZE
BUILD    ?= build-san
SANFLAGS  = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    ?= build
endif

CFLAGS   ?= -O2 -g
WARNINGS  = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wvla \
            -Wwrite-strings -Wformat-security -Wshadow -Werror
DEPCFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
DEPLIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread
ALL_CFLAGS = -std=c11 $(WARNINGS) -fvisibility=hidden -D_FILE_OFFSET_BITS=64 -D_POSIX_C_SOURCE=200809L \
             -DSDX_VERSION=\"$(VERSION)\" -Iinclude -I. -I$(BUILD)/gen $(DEPCFLAGS) \
             -fPIC -MMD -MP $(SANFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

ifeq ($(V),1)
Q =
else
Q = @
endif

LIB_SRC  = $(wildcard ledger/*.c formats/*.c formats/*/*.c)
CMD_SRC  = $(wildcard cmd/*.c cmd/serve/*.c)
UNIT_SRC = $(wildcard tests/unit/*.c)
SCHEMAS  = $(wildcard formats/schemas/*.json)
PROFILES = $(sort $(wildcard formats/profiles/*.json))
DATA     = $(sort $(wildcard formats/data/*.json))
GEN_SRC  = $(BUILD)/gen/schemas.c

# gettext catalogues (po/README): the strings of sdx report's page, of the
# verdict reasons and of sdx check's human output; compiled into
# $(BUILD)/locale/, where an uninstalled $(BUILD)/sdx finds them
LINGUAS  = zh_CN
POT_SRC  = $(sort $(wildcard formats/report/*.c formats/rules/*.c)) cmd/cmd_check.c cmd/cmd_report.c
MO       = $(LINGUAS:%=$(BUILD)/locale/%/LC_MESSAGES/sdx.mo)
XGETTEXT = xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
           --add-comments=TRANSLATORS: --package-name=sdx --package-version=$(VERSION) \
           --msgid-bugs-address=none --no-location --no-wrap

LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/schemas.o $(BUILD)/gen/profiles.o \
           $(BUILD)/gen/data.o $(BUILD)/gen/interop.o
CMD_OBJ  = $(CMD_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/openapi.o
UNIT_BIN = $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(filter-out tests/unit/harness.c,$(UNIT_SRC)))
HARNESS  = $(BUILD)/tests/unit/harness.o

.PHONY: all check test golden demo bench torture install uninstall clean deps fuzz docs serve-api \
        check-browser screenshot pot check-po
# keep test objects (intermediates of the unit-test link rule)
.PRECIOUS: $(BUILD)/%.o
all: $(BUILD)/libsdx.a $(BUILD)/libsdx.so $(BUILD)/sdx $(BUILD)/sdx.pc $(MO)
FORCE:

# --- dependencies: install what is missing (root), or say exactly how ------
deps:
	$(Q)missing=; \
	for d in $(DEB_NEEDS); do \
	  kind=$${d%%:*}; rest=$${d#*:}; name=$${rest%%:*}; pkg=$${rest#*:}; \
	  case $$kind in \
	  cmd) command -v $$name >/dev/null 2>&1 || missing="$$missing $$pkg" ;; \
	  pc) $(PKG_CONFIG) --exists $$name 2>/dev/null || missing="$$missing $$pkg" ;; \
	  esac; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "sdx: installing missing dependencies:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "sdx: missing dependencies; run as root:" >&2; \
	    echo "  apt-get install -y$$missing" >&2; exit 1; \
	  fi; \
	fi

# --- library and tool ---------------------------------------------------------
$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/schemas.o: $(GEN_SRC)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# JSON Schemas and shipped compliance profiles are compiled into the library,
# so validation and `sdx check --profile NAME` need no files at run time.
# $(call embed,ARRAY,SUFFIX,FILES) writes a C table { name, text, len } of FILES.
define embed
{ echo '/* generated from formats/ by the Makefile; do not edit */'; \
  echo '#include <stddef.h>'; \
  echo 'struct sdx_embedded_schema { const char *name; const char *text; size_t len; };'; \
  for f in $(3); do \
    n=$$(basename $$f $(2) | tr -c 'a-zA-Z0-9\n' '_'); \
    echo "static const char $(1)_$$n[] = {"; \
    od -An -v -tx1 $$f | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
    echo '0x00};'; \
  done; \
  echo 'const struct sdx_embedded_schema $(1)[] = {'; \
  for f in $(3); do \
    n=$$(basename $$f $(2) | tr -c 'a-zA-Z0-9\n' '_'); \
    echo "  { \"$$(basename $$f $(2))\", $(1)_$$n, sizeof($(1)_$$n) - 1 },"; \
  done; \
  echo '  { NULL, NULL, 0 } };'; }
endef

$(GEN_SRC): $(SCHEMAS) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call embed,sdx_embedded_schemas,.schema.json,$(SCHEMAS)) > $@

$(BUILD)/gen/profiles.c: $(PROFILES) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call embed,sdx_embedded_profiles,.json,$(PROFILES)) > $@

$(BUILD)/gen/profiles.o: $(BUILD)/gen/profiles.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# reference data the rules read (formats/data/: units), compiled in the same way
$(BUILD)/gen/data.c: $(DATA) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call embed,sdx_embedded_data,.json,$(DATA)) > $@

$(BUILD)/gen/data.o: $(BUILD)/gen/data.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# the code lists the EPCIS and UNTP exports read (formats/export/*.json)
$(BUILD)/gen/interop.c: $(wildcard formats/export/*.json) Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call embed,sdx_embedded_interop,.json,$(wildcard formats/export/*.json)) > $@

$(BUILD)/gen/interop.o: $(BUILD)/gen/interop.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# sdx serve's OpenAPI description, served at /openapi.json
$(BUILD)/gen/openapi.c: formats/openapi.json Makefile
	@mkdir -p $(dir $@)
	$(Q)$(call embed,sdx_embedded_openapi,.json,formats/openapi.json) > $@

$(BUILD)/gen/openapi.o: $(BUILD)/gen/openapi.c
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libsdx.a: $(LIB_OBJ)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/libsdx.so: $(LIB_OBJ)
	$(Q)$(CC) -shared -Wl,-soname,libsdx.so.$(SOVERSION) $(ALL_LDFLAGS) -o $@ $^ $(DEPLIBS)

$(BUILD)/sdx: $(CMD_OBJ) $(BUILD)/libsdx.a
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libsdx.a $(DEPLIBS)

# regenerated every time: it must carry the PREFIX of this very make run
$(BUILD)/sdx.pc: FORCE
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCDIR)' '' \
	  'Name: sdx' 'Description: supplier-declaration exchange ledger' 'Version: $(VERSION)' \
	  'Requires.private: $(PKGS)' 'Libs: -L$${libdir} -lsdx' 'Cflags: -I$${includedir}' > $@

$(BUILD)/locale/%/LC_MESSAGES/sdx.mo: po/%.po
	@mkdir -p $(dir $@)
	$(Q)msgfmt --check -o $@ $<

pot:
	$(Q)$(XGETTEXT) -o po/sdx.pot $(POT_SRC) && sed -i '/^"POT-Creation-Date:/d' po/sdx.pot

# po/sdx.pot must be what xgettext extracts now, and every language must
# translate every string of it (msgcmp counts untranslated and fuzzy entries
# as missing); msgfmt --check checks the format strings' conversions.
PODIR ?= po
check-po:
	$(Q)mkdir -p $(BUILD)/po && $(XGETTEXT) -o $(BUILD)/po/sdx.pot $(POT_SRC) && \
	  sed -i '/^"POT-Creation-Date:/d' $(BUILD)/po/sdx.pot && \
	  { cmp -s $(PODIR)/sdx.pot $(BUILD)/po/sdx.pot || { echo "sdx: $(PODIR)/sdx.pot is stale: make pot" >&2; exit 1; }; }
	$(Q)for l in $(LINGUAS); do \
	  msgcmp $(PODIR)/$$l.po $(PODIR)/sdx.pot || { echo "sdx: $(PODIR)/$$l.po lacks translations (above)" >&2; exit 1; }; \
	  msgfmt --check --statistics -o /dev/null $(PODIR)/$$l.po || exit 1; \
	done

# --- tests ----------------------------------------------------------------------
$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(HARNESS) $(BUILD)/libsdx.a
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(HARNESS) $(BUILD)/libsdx.a $(DEPLIBS)

# Run unit and CLI tests of one build; counts go to $(BUILD)/test-counts.
test: all $(UNIT_BIN) check-po
	$(Q)BUILD=$(BUILD) sh tests/run.sh

# The Node validators t0024 checks the EPCIS and UNTP exports with (ajv,
# ajv-formats, jose; tests/node/package-lock.json): installed before the tests,
# and a failure to install stops them, saying why.
NODE_DEPS = tests/node/node_modules/.package-lock.json
test: $(NODE_DEPS)
$(NODE_DEPS): tests/node/package.json tests/node/package-lock.json
	$(Q)command -v npm >/dev/null 2>&1 || { echo "sdx: the tests need Node.js and npm" \
	  "(tests/node validates the EPCIS and UNTP exports): apt-get install -y nodejs npm" >&2; exit 1; }
	$(Q)cd tests/node && npm ci --no-audit --no-fund --loglevel=error || { echo "sdx: 'npm ci' in" \
	  "tests/node failed: the npm registry must be reachable to install ajv, ajv-formats and" \
	  "jose (tests/node/package-lock.json)" >&2; exit 1; }

check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)rm -f build/test-counts build-san/test-counts build/serve-api/test-counts \
	  build/browser/test-counts; rc=0; \
	$(MAKE) --no-print-directory test || rc=1; \
	$(MAKE) --no-print-directory SANITIZE=address,undefined test || rc=1; \
	$(MAKE) --no-print-directory serve-api || rc=1; \
	$(MAKE) --no-print-directory check-browser || rc=1; \
	sh tests/total.sh build build-san build/serve-api build/browser; t=$$?; \
	[ $$rc = 0 ] && [ $$t = 0 ]

# sdx serve's OpenAPI description: the one /openapi.json serves passes the
# @redocly/cli linter, and every answer t0025 captured matches it (status,
# content type, ajv against the response schema): tests/node-serve from npm.
serve-api: all
	$(Q)cd tests/node-serve && { [ -d node_modules/@redocly/cli ] && [ -d node_modules/ajv ] || \
	  npm ci --no-audit --no-fund --silent; }
	$(Q)rm -rf $(BUILD)/serve-api && mkdir -p $(BUILD)/serve-api/answers
	$(Q)SDX_SERVE_CAPTURE=$(CURDIR)/$(BUILD)/serve-api/answers SDX=$(CURDIR)/$(BUILD)/sdx \
	  SDX_TEST_DATA=$(CURDIR)/tests/data sh tests/cli/t0025-serve.sh > $(BUILD)/serve-api/t0025.out 2>&1; \
	  grep '^not ok' $(BUILD)/serve-api/t0025.out; \
	  cd tests/node-serve && ./node_modules/.bin/redocly lint --config redocly.yaml \
	    $(CURDIR)/$(BUILD)/serve-api/answers/openapi.json > $(CURDIR)/$(BUILD)/serve-api/lint.out 2>&1; \
	  l=$$?; if [ $$l = 0 ]; then echo "ok - serve-api: redocly lint of /openapi.json"; \
	  else grep -v '^ *[║╔╚]' $(CURDIR)/$(BUILD)/serve-api/lint.out; echo "not ok - serve-api: redocly lint of /openapi.json"; fi \
	  > $(CURDIR)/$(BUILD)/serve-api/lint.res; cat $(CURDIR)/$(BUILD)/serve-api/lint.res; \
	  node check.js $(CURDIR)/formats/openapi.json $(CURDIR)/$(BUILD)/serve-api/answers \
	    > $(CURDIR)/$(BUILD)/serve-api/check.out; grep -v '^ok - ' $(CURDIR)/$(BUILD)/serve-api/check.out; \
	  cat $(CURDIR)/$(BUILD)/serve-api/lint.res $(CURDIR)/$(BUILD)/serve-api/check.out | \
	  awk '/^ok - /{p++} /^not ok - /{f++} END{print p+0, f+0 > "$(CURDIR)/$(BUILD)/serve-api/test-counts"; exit f > 0}'

# sdx report in a real browser: the demo's shipment page rendered by Debian's
# /usr/bin/chromium (installed if missing, as 'make deps' installs packages)
# driven by playwright-core from npm (tests/browser/package-lock.json; it
# downloads no browser): the DOM's verdict rows and SVG boxes against sdx check
# and sdx trace, no console error, no request; a screenshot in
# $(BUILD)/browser/report.png; the same for the zh-CN page (sdx report --lang
# zh-CN: its lang, the Chinese verdict words, drawn with a CJK font, Debian's
# fonts-wqy-zenhei installed if none is) and report-zh.png.  Counts go to $(BUILD)/browser/test-counts.
BROWSER_DEPS = tests/browser/node_modules/.package-lock.json
$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	$(Q)command -v npm >/dev/null 2>&1 || { echo "sdx: check-browser needs Node.js and npm:" \
	  "apt-get install -y nodejs npm" >&2; exit 1; }
	$(Q)cd tests/browser && npm ci --no-audit --no-fund --loglevel=error || { echo "sdx: 'npm ci'" \
	  "in tests/browser failed: the npm registry must be reachable to install playwright-core" >&2; exit 1; }
check-browser: all $(BROWSER_DEPS)
	$(Q)if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "sdx: installing chromium (Debian) for check-browser"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null || exit 1; \
	  else \
	    echo "sdx: check-browser needs /usr/bin/chromium; run as root:" >&2; \
	    echo "  apt-get install -y chromium" >&2; exit 1; \
	  fi; \
	fi
	$(Q)if ! fc-list :lang=zh 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "sdx: installing a Chinese font (Debian's fonts-wqy-zenhei) for the zh-CN page"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei >/dev/null || exit 1; \
	  else \
	    echo "sdx: check-browser needs a Chinese font for the zh-CN page; run as root:" >&2; \
	    echo "  apt-get install -y fonts-wqy-zenhei" >&2; exit 1; \
	  fi; \
	fi
	$(Q)rm -rf $(BUILD)/browser && mkdir -p $(BUILD)/browser
	$(Q)b=$(CURDIR)/$(BUILD)/browser; s=$(CURDIR)/$(BUILD)/sdx; \
	  labs="--labs $(CURDIR)/examples/data/labs/example-register.csv"; \
	  export SDX_TIME=2026-11-23T00:00:00Z; \
	  SDX_DEMO_DIR=$$b/demo SDX=$$s sh examples/demo.sh > $$b/demo.out 2>&1 && \
	  $$s report -L $$b/demo/export.db NBX-2611-0087 $$labs -o $$b/report.html && \
	  $$s trace -L $$b/demo/export.db NBX-2611-0087 --json > $$b/trace.json && \
	  { $$s check -L $$b/demo/export.db NBX-2611-0087 $$labs --json > $$b/check.json; [ $$? -le 6 ]; } && \
	  fail=$$(jq -r '.inputs[0].record.inputs[] | select(.lot_number == "RSY42-260905") | .record.ref' \
	    $$b/trace.json) && \
	  $$s report -L $$b/demo/export.db NBX-2611-0087 $$labs --lang zh-CN -o $$b/report-zh.html && \
	  (cd tests/browser && node check.mjs $$b/report.html $$b/trace.json $$b/check.json "$$fail" \
	    $$b/report.png && node check.mjs $$b/report-zh.html $$b/trace.json $$b/check.json "$$fail" \
	    $$b/report-zh.png zh-CN) > $$b/check.out 2>&1; \
	  r=$$?; [ -s $$b/check.out ] || echo "not ok - browser: the demo, sdx report, trace or" \
	    "check failed ($(BUILD)/browser/demo.out)" > $$b/check.out; cat $$b/check.out; \
	  awk '/^ok - /{p++} /^not ok - /{f++} END{if (!p && !f) f = 1; print p+0, f+0 > "'$$b'/test-counts"; exit f > 0}' \
	    $$b/check.out && [ $$r = 0 ]

# The screenshot README shows: the demo's report as check-browser renders it.
screenshot: check-browser
	$(Q)mkdir -p docs && cp $(BUILD)/browser/report.png docs/report.png
	$(Q)echo "docs/report.png: regenerated; see git diff --stat docs/report.png"

# Expected output of the CLI tests: each golden file is rewritten (and one no
# case compares any more is deleted); the CLI tests' other checks still run.
golden: all
	$(Q)rm -rf tests/cli/expected; fail=0; \
	for t in tests/cli/t[0-9]*.sh; do \
	  grep -q '^golden ' $$t || continue; \
	  SDX_GOLDEN_UPDATE=1 SDX=$(CURDIR)/$(BUILD)/sdx SDX_TEST_DATA=$(CURDIR)/tests/data \
	    sh $$t > $(BUILD)/golden.out 2>&1 || fail=1; \
	  grep '^not ok - ' $(BUILD)/golden.out && fail=1; \
	done; rm -f $(BUILD)/golden.out; \
	echo "tests/cli/expected: $$(find tests/cli/expected -name '*.out' | wc -l) files; see git diff tests/cli/expected"; \
	[ $$fail = 0 ]

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)SDX=$(CURDIR)/$(BUILD)/sdx sh examples/demo.sh

# Reliability under faults, at length (not part of check, which runs a few of each):
# TORTURE_TRIALS SIGKILLs of declare, import and checkpoint; the tamper sweep
# over every byte; the concurrent-writers test.
TORTURE_TRIALS ?= 100
torture: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/unit/tamper
	$(Q)TORTURE_TRIALS=$(TORTURE_TRIALS) SDX=$(CURDIR)/$(BUILD)/sdx SDX_TEST_DATA=$(CURDIR)/tests/data \
		sh tests/torture/crash.sh
	$(Q)SDX_TAMPER_ALL=1 SDX_TEST_DATA=$(CURDIR)/tests/data $(BUILD)/tests/unit/tamper
	$(Q)SDX=$(CURDIR)/$(BUILD)/sdx SDX_TEST_DATA=$(CURDIR)/tests/data sh tests/cli/t0101-concurrent.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all $(BUILD)/tests/bench/bench
	$(Q)BUILD=$(BUILD) sh tests/bench/run.sh
	$(Q)if [ -n "$(BENCH_BIG)" ]; then BUILD=$(BUILD) sh tests/bench/big.sh; fi

$(BUILD)/tests/bench/bench: $(BUILD)/tests/bench/bench.o $(BUILD)/libsdx.a
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libsdx.a $(DEPLIBS)

# --- install ----------------------------------------------------------------------
# Man pages and completion scripts, printed by sdx from the option tables
# that --help prints (cmd/manpage.c, cmd/completion.c).
docs: $(BUILD)/sdx
	$(Q)mkdir -p $(BUILD)/man $(BUILD)/completion; \
	SDX_MAN_DATE=$$(date -u +%Y-%m-%d) $(BUILD)/sdx --help=man > $(BUILD)/man/sdx.1 && \
	for c in $$($(BUILD)/sdx --help=commands); do \
	  [ $$c = help ] || SDX_MAN_DATE=$$(date -u +%Y-%m-%d) $(BUILD)/sdx $$c --help=man \
	    > $(BUILD)/man/sdx-$$c.1 || exit 1; \
	done; \
	$(BUILD)/sdx --help=bash > $(BUILD)/completion/sdx && \
	$(BUILD)/sdx --help=zsh > $(BUILD)/completion/_sdx

install: all docs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/sdx $(DESTDIR)$(PKGCONFIGDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 644 $(BUILD)/man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(BUILD)/completion/sdx $(DESTDIR)$(BASHCOMPDIR)/sdx
	install -m 644 $(BUILD)/completion/_sdx $(DESTDIR)$(ZSHCOMPDIR)/_sdx
	install -m 755 $(BUILD)/sdx $(DESTDIR)$(BINDIR)/sdx
	install -m 644 $(BUILD)/libsdx.a $(DESTDIR)$(LIBDIR)/libsdx.a
	install -m 755 $(BUILD)/libsdx.so $(DESTDIR)$(LIBDIR)/libsdx.so.$(VERSION)
	ln -sf libsdx.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libsdx.so.$(SOVERSION)
	ln -sf libsdx.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libsdx.so
	install -m 644 include/sdx.h $(DESTDIR)$(INCDIR)/sdx.h
	install -m 644 include/sdx/*.h $(DESTDIR)$(INCDIR)/sdx/
	install -m 644 $(BUILD)/sdx.pc $(DESTDIR)$(PKGCONFIGDIR)/sdx.pc
	for l in $(LINGUAS); do \
	  install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	  install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/sdx.mo $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/sdx.mo || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/sdx $(DESTDIR)$(LIBDIR)/libsdx.a $(DESTDIR)$(LIBDIR)/libsdx.so* \
	  $(DESTDIR)$(INCDIR)/sdx.h $(DESTDIR)$(PKGCONFIGDIR)/sdx.pc
	rm -rf $(DESTDIR)$(INCDIR)/sdx
	rm -f $(DESTDIR)$(MANDIR)/man1/sdx.1 $(DESTDIR)$(MANDIR)/man1/sdx-*.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/sdx $(DESTDIR)$(ZSHCOMPDIR)/_sdx
	for l in $(LINGUAS); do rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/sdx.mo; done

clean:
	rm -rf build build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

include tests/fuzz/fuzz.mk
