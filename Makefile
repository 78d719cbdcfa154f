# certhall: one Makefile for both programs, their tests and benchmarks.
#
#   make deps     install the Debian packages and npm modules we need
#   make          build build/bin/certhall-site and build/bin/certhall-batch
#   make run      the whole story on samples/: the site, two nights, a day
#   make test     every test: units, command line, browser, and the
#                 sanitizer build of units and command line
#   make fuzz     each fuzz target for a bounded time
#   make bench    the benchmarks, printing ratios against the named peers
#   make install  both programs and their man pages (PREFIX, DESTDIR)
#
# Sources are found by wildcard: a new .c file in common/, generator/ or
# batch/ is built without touching this file. Each program's main() lives
# in its main.c; everything else of a program goes into its archive so
# that unit tests can link it.

VERSION  := 0.1.0
CC       ?= cc
BUILD    ?= build
SAN      ?=
PYTHON   := /usr/bin/python3

# Building needs DEB_BUILD and DEB_LIBS; only the tests and benchmarks need
# DEB_TOOLS (a browser, Hugo, msmtp, ...).
DEB_BUILD := pkg-config gcc make
DEB_LIBS := libgit2-dev libcmark-dev libzip-dev libsqlite3-dev libyaml-dev \
            libjansson-dev nettle-dev libunistring-dev libmicrohttpd-dev \
            libcsv-dev libcriterion-dev libxlsxwriter-dev
DEB_TOOLS := clang lld libclang-rt-14-dev git zip unzip \
             python3 python3-pytest chromium nodejs hugo msmtp sqlite3 \
             time strace python3-openpyxl python3-aiosmtpd \
             fonts-noto-cjk
PKGS     := libgit2 libcmark libzip sqlite3 yaml-0.1 jansson nettle \
            libmicrohttpd xlsxwriter

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter
CSTD     := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT      ?= -O2 -g
ifeq ($(SAN),1)
  BUILD  := build-san
  OPT    := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lunistring -lcsv
CFLAGS   += $(CSTD) $(WARN) $(OPT) -pthread -I. $(PKG_CFLAGS) \
            -DCERTHALL_VERSION='"$(VERSION)"'
# --as-needed: each program loads only the libraries it calls (the site
# needs no SQLite, the batch no libgit2), which a short rebuild notices.
LDFLAGS  += $(filter -fsanitize=%,$(OPT)) -Wl,--as-needed
LDLIBS   += $(PKG_LIBS) -lm -pthread

COMMON_SRC := $(wildcard common/*.c)
GEN_SRC    := $(filter-out generator/main.c,$(wildcard generator/*.c))
# The batch grows one folder per stage (DESIGN.md): batch/money/ and so on.
BATCH_SRC  := $(filter-out batch/main.c,$(wildcard batch/*.c batch/*/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

LIBCOMMON := $(BUILD)/lib/libcommon.a
LIBGEN    := $(BUILD)/lib/libgenerator.a
LIBBATCH  := $(BUILD)/lib/libbatch.a
SITE_BIN  := $(BUILD)/bin/certhall-site
BATCH_BIN := $(BUILD)/bin/certhall-batch
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

DEPS_STAMP := build/.deps-ok
TEST_STAMP := build/.deps-test-ok
# The compiler and flags an object was built with: a change rebuilds.
FLAGS_STAMP := $(BUILD)/.flags

.PHONY: all deps run test test-unit test-cli test-browser test-san \
        fuzz bench clean install install-man check-deps FORCE
.DEFAULT_GOAL := all
# Keep test objects: without this make deletes them as intermediates and
# rebuilds them every time.
.SECONDARY:

all: $(DEPS_STAMP) $(SITE_BIN) $(BATCH_BIN)

# --- dependencies -------------------------------------------------------
# The stamp records that every package was present once; it is remade when
# this file changes, so adding a package here re-runs the check.
deps: $(DEPS_STAMP) $(TEST_STAMP)
$(DEPS_STAMP): Makefile
	@tools/deps.sh "$(DEB_BUILD) $(DEB_LIBS)"
	@mkdir -p $(@D) && touch $@
$(TEST_STAMP): Makefile tests/browser/package.json | $(DEPS_STAMP)
	@tools/deps.sh "$(DEB_TOOLS)"
	@mkdir -p $(@D) && touch $@

# --- build --------------------------------------------------------------
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS) $(LDFLAGS) $(LDLIBS)' > $@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIBCOMMON): $(call obj,$(COMMON_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
$(LIBGEN): $(call obj,$(GEN_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^
$(LIBBATCH): $(call obj,$(BATCH_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(SITE_BIN): $(call obj,generator/main.c) $(LIBGEN) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(BATCH_BIN): $(call obj,batch/main.c) $(LIBBATCH) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# Unit tests: tests/unit/test_<module>_*.c links that module's archive.
$(BUILD)/tests/test_common_%: $(call obj,tests/unit/test_common_%.c) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion
$(BUILD)/tests/test_generator_%: $(call obj,tests/unit/test_generator_%.c) $(LIBGEN) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion
$(BUILD)/tests/test_batch_%: $(call obj,tests/unit/test_batch_%.c) $(LIBBATCH) $(LIBCOMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcriterion

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# --- the main job -------------------------------------------------------
run: all
	@tools/demo.sh

# --- tests --------------------------------------------------------------
# One suite after another: under -j the suites would interleave their
# output and compete for the two cores the timing-sensitive tests share.
test:
	$(MAKE) test-unit
	$(MAKE) test-cli
	$(MAKE) test-browser
	$(MAKE) test-san

test-unit: all $(UNIT_BINS) | $(TEST_STAMP)
	@tools/run-units.sh $(UNIT_BINS)

test-cli: all | $(TEST_STAMP)
	CERTHALL_BIN=$(abspath $(BUILD)/bin) $(PYTHON) -m pytest -q tests/cli

test-browser: all tests/browser/node_modules/.package-lock.json
	CERTHALL_BIN=$(abspath $(BUILD)/bin) node --test --test-concurrency=1 tests/browser/

tests/browser/node_modules/.package-lock.json: tests/browser/package.json | $(TEST_STAMP)
	cd tests/browser && npm ci --no-audit --no-fund

# The same unit and command-line tests against binaries built with
# AddressSanitizer and UndefinedBehaviorSanitizer.
test-san: | $(TEST_STAMP)
	$(MAKE) SAN=1 CC=clang all $(patsubst $(BUILD)/%,build-san/%,$(UNIT_BINS))
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  tools/run-units.sh $(patsubst $(BUILD)/%,build-san/%,$(UNIT_BINS))
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  CERTHALL_BIN=$(abspath build-san/bin) $(PYTHON) -m pytest -q tests/cli

# --- fuzzing ------------------------------------------------------------
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
FUZZ_FLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 \
              -fsanitize=fuzzer-no-link,address,undefined -pthread -I. \
              $(PKG_CFLAGS) -DCERTHALL_VERSION='"fuzz"'
# Every source is compiled once for all the targets, into one archive
# each target takes what it needs from.
FUZZ_OBJS := $(patsubst %.c,build-fuzz/obj/%.o,$(COMMON_SRC) $(BATCH_SRC) $(GEN_SRC))
build-fuzz/obj/%.o: %.c | $(TEST_STAMP)
	@mkdir -p $(@D)
	clang $(FUZZ_FLAGS) -MMD -MP -c $< -o $@
build-fuzz/libfuzzed.a: $(FUZZ_OBJS)
	rm -f $@ && ar rcs $@ $^
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libfuzzed.a
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libfuzzed.a $(LDLIBS)
-include $(FUZZ_OBJS:.o=.d)
fuzz: $(FUZZ_BINS)
	@for f in $(FUZZ_BINS); do \
	  name=$${f#build-fuzz/}; \
	  mkdir -p build-fuzz/corpus/$$name; \
	  echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
	      build-fuzz/corpus/$$name tests/fuzz/corpus/$$name || exit 1; \
	done

# --- benchmarks ---------------------------------------------------------
bench: all | $(TEST_STAMP)
	@tools/bench.sh

# --- installing ---------------------------------------------------------
# The usual variables: make install PREFIX=/usr DESTDIR=/tmp/pkg
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/certhall
SYSTEMDDIR ?= $(PREFIX)/lib/systemd/system
install: all install-man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSTEMDDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(SITE_BIN) $(BATCH_BIN) $(DESTDIR)$(BINDIR)/
	sed 's|@BINDIR@|$(BINDIR)|g' dist/systemd/certhall-nightly.service.in \
	  > $(DESTDIR)$(SYSTEMDDIR)/certhall-nightly.service
	install -m 644 dist/systemd/certhall-nightly.timer $(DESTDIR)$(SYSTEMDDIR)/
	install -D -m 644 dist/systemd/certhall.sysusers \
	  $(DESTDIR)$(PREFIX)/lib/sysusers.d/certhall.conf
	install -D -m 644 dist/systemd/certhall.tmpfiles \
	  $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/certhall.conf
	rm -rf $(DESTDIR)$(DATADIR)/content
	cp -R content $(DESTDIR)$(DATADIR)/content
	sed 's|@DATADIR@|$(DATADIR)|g' dist/certhall.yaml.in \
	  > $(DESTDIR)$(DATADIR)/certhall.yaml.example
install-man:
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	if ls man/*.5 >/dev/null 2>&1; then \
	  install -d $(DESTDIR)$(MANDIR)/man5 && \
	  install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/; fi

clean:
	rm -rf build build-san build-fuzz public
