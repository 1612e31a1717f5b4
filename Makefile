# bantin - news articles to PDF and EPUB, and batch archives.
# Targets: all (default) deps demo test asan valgrind bench fuzz install clean.

PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/bantin
MANDIR   ?= $(PREFIX)/share/man

CC       ?= cc
CFLAGS   ?= -O2 -g
# Warnings are errors in a git checkout (maintainers, CI) but not in a release tarball, where a
# newer compiler's new warning must not stop a user's build. WERROR= or WERROR=-Werror overrides.
WERROR   ?= $(if $(wildcard .git),-Werror,)
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wvla -Wno-unused-parameter $(WERROR)
# The one package list; tests/fuzz/fuzz.mk reads it through `make print-pkgs`.
PKGS      = libxml-2.0 libzip libutf8proc libunibreak jansson libcrypto harfbuzz harfbuzz-subset \
            libpng libwebp libgif uchardet libcurl zlib libbrotlidec libdeflate
HPDF_LIBS ?= -lhpdf
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libcurl is compiled against but not linked: src/net/curl_dl.c loads it on first use (it and the
# ~30 libraries it needs cost every process ~10 ms at start-up otherwise). The same for the
# libraries of LAZY_PKGS and libjpeg, through the forwarders in src/lazy/ (see lazy.h).
LAZY_PKGS  = libcurl libxml-2.0 libzip libcrypto uchardet libwebp libgif
PKG_LIBS   := $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS)) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
             $(INCS) -DBT_DATADIR='"$(DATADIR)"'
# libc and libm named first: the dynamic linker looks a symbol up in the libraries in this order,
# and most of the ~1,500 it binds at start are theirs (-230,000 instructions per process).
LIBS       = -lc -lm $(PKG_LIBS) $(HPDF_LIBS) -lpthread -lm -ldl
# Test programs call some of those libraries directly (XPath in test_catalogue.c...): they are
# linked with them, without the forwarders.
TEST_LIBS  = $(LIBS) $(shell pkg-config --libs $(filter-out libcurl,$(LAZY_PKGS)) 2>/dev/null) -ljpeg

BUILD   ?= build
# Sources: src/*.c and one folder level per layer (src/net/, src/archive/, ...). Every layer folder
# is on the include path, so a header is included by its name wherever it lives.
INCS     = -Isrc $(patsubst %/,-I%,$(wildcard src/*/))
SRC      = $(wildcard src/*.c src/*/*.c)
OBJ      = $(patsubst src/%.c,$(BUILD)/%.o,$(SRC))
LIBOBJ   = $(filter-out $(BUILD)/main.o,$(OBJ))
TESTOBJ  = $(filter-out $(BUILD)/lazy/%,$(LIBOBJ))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
BIN     ?= bantin

# Debian packages: to build, and to run the tests (validators).
DEB_BUILD = gcc make pkg-config libhpdf-dev libzip-dev libxml2-dev libutf8proc-dev \
            libunibreak-dev libjansson-dev libssl-dev libharfbuzz-dev libpng-dev libjpeg-dev \
            libwebp-dev libgif-dev libuchardet-dev libcurl4-openssl-dev zlib1g-dev libbrotli-dev \
            libdeflate-dev
# (a JDK so that epubcheck checks many books in one JVM: tests/e2e/30-epub-check.java)
# (wget writes real WARC files; parallel runs shards; chromium + nodejs/npm for the catalogue's
# browser test; locales for the comma-decimal test; python3-yaml reads contrib/kubernetes; time
# measures peak memory in make bench; brotli encodes br bodies for the web tests' server;
# openssl makes the HTTPS tests' certificates)
DEB_TEST  = poppler-utils qpdf epubcheck default-jdk-headless python3 zip unzip valgrind man-db \
            wget parallel mupdf-tools chromium nodejs locales python3-yaml time brotli openssl
# DejaVu Sans for the fallback-face test (tests/e2e/20-pdf-bad.sh)
DEB_TEST += fonts-dejavu-core
# the peers make bench compares with (its target rows give the ratios); only make bench installs them
DEB_BENCH = wkhtmltopdf weasyprint pandoc

.PHONY: print-pkgs all deps deps-test demo test check asan valgrind bench fuzz install clean units

all: $(BIN)

# V=1 shows the full compiler command lines.
Q = $(if $(V),,@)

$(BIN): $(OBJ)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

# Header dependencies come from the compiler (-MMD -MP): touching a header rebuilds only what
# includes it.
$(BUILD)/%.o: src/%.c $(BUILD)/.flags | $(BUILD)
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJ:.o=.d)

# Changing CFLAGS (or the compiler) rebuilds everything: the flags are kept in a stamp file that
# is rewritten only when they differ.
$(BUILD)/.flags: FORCE | $(BUILD)
	@for p in $(PKGS); do pkg-config --exists $$p || { \
	  echo "bantin: pkg-config cannot find '$$p' (run 'make deps')" >&2; exit 1; }; done
	@echo '$(CC) $(ALL_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(ALL_CFLAGS)' > $@
.PHONY: FORCE

$(BUILD):
	mkdir -p $(BUILD)/tests

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(LIBOBJ) | $(BUILD)
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(TESTOBJ) $(TEST_LIBS)

units: $(UNIT_BIN)

# The layout goldens (tests/layout/): the tool that prints bt_layout_dump, run by
# tests/e2e/15-layout.sh; `make layout-update` rewrites the goldens after a layout change.
LAYOUT_DUMP = $(BUILD)/tests/layout-dump
$(LAYOUT_DUMP): tests/layout/dump.c $(LIBOBJ) | $(BUILD)
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TESTOBJ) $(TEST_LIBS)
units: $(LAYOUT_DUMP)
# The catalogue of N made-up articles (tests/browser/catgen.c): the big-page browser test and the
# catalogue's memory check.
CATGEN = $(BUILD)/tests/catalogue-gen
$(CATGEN): tests/browser/catgen.c $(LIBOBJ) | $(BUILD)
	@mkdir -p $(@D)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(TESTOBJ) $(TEST_LIBS)
units: $(CATGEN)
layout-update: units
	@LAYOUT_UPDATE=1 UNIT_DIR=$(BUILD)/tests sh tests/e2e/15-layout.sh
.PHONY: layout-update

# Installs only what is missing; needs root (or sudo) when something is.
deps:
	@sh tests/deps.sh $(DEB_BUILD)
deps-test:
	@sh tests/deps.sh $(DEB_BUILD) $(DEB_TEST)
	@sh tests/deps.sh --locale de_DE.UTF-8
	@command -v npm >/dev/null 2>&1 || sh tests/deps.sh npm
	@# the catalogue's browser test: puppeteer-core (drives the system's Chromium, downloads none)
	@cd tests/browser && { [ -d node_modules/puppeteer-core ] || npm ci --no-audit --no-fund --silent; }

demo: deps
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh ./$(BIN) demo

test: deps-test
	@$(MAKE) --no-print-directory all units
	@BANTIN=./$(BIN) UNIT_DIR=$(BUILD)/tests sh tests/run.sh

check: test

asan: deps-test
	@$(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/bantin \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" all units
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  BANTIN=./build-asan/bantin UNIT_DIR=build-asan/tests BANTIN_SANITIZED=1 sh tests/run.sh

# Static checks of src/ (tests/lint/run.sh): banned calls, cppcheck, clang's static analyzer
# (with clang's warnings). CI runs it; it must stay clean.
DEB_LINT = cppcheck clang
lint:
	@sh tests/deps.sh $(DEB_LINT)
	@CFLAGS_LINT="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(filter-out -Werror,$(WARN)) \
	  $(PKG_CFLAGS) $(INCS)" sh tests/lint/run.sh
.PHONY: lint

# clang-format with .clang-format (the existing style). Only on request and only the files named,
# never the whole tree at once (it would conflict with everyone's work in progress):
#   make format FILES="src/cli.c src/cli.h"   rewrite those files
#   make format-check [FILES=...]             list the files that differ (default: all of src/)
FMT_SRC = $(wildcard src/*.[ch] src/*/*.[ch])
format:
	@sh tests/deps.sh clang-format
	@test -n "$(FILES)" || { echo 'bantin: make format FILES="src/a.c ..." formats only the files named' >&2; exit 2; }
	@clang-format -i --style=file $(FILES)
format-check:
	@sh tests/deps.sh clang-format
	@n=0; for f in $(or $(FILES),$(FMT_SRC)); do \
	  c=$$(clang-format --style=file "$$f" | diff "$$f" - | grep -c '^>'); \
	  [ "$$c" -eq 0 ] || { echo "$$f: $$c lines differ from .clang-format"; n=$$((n + 1)); }; \
	done; [ $$n -eq 0 ] && echo "format-check: clean" || { echo "format-check: $$n files differ"; exit 1; }
.PHONY: format format-check

valgrind: all
	@sh tests/valgrind.sh ./$(BIN)

bench: all
	@sh tests/deps.sh $(DEB_BENCH) || echo "bench: the peers ($(DEB_BENCH)) are not installed: their rows say so"
	@sh tests/bench.sh ./$(BIN)

fuzz:
	@sh tests/deps.sh $(DEB_BUILD) clang libclang-rt-14-dev
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR)/templates \
	  $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/bantin
	install -m 644 fonts/* $(DESTDIR)$(DATADIR)/fonts/
	cp -R templates/. $(DESTDIR)$(DATADIR)/templates/
	install -m 644 src/bantin.1 $(DESTDIR)$(MANDIR)/man1/bantin.1

print-pkgs:
	@echo $(PKGS)

clean:
	rm -rf build build-asan $(BIN) demo tests/out
