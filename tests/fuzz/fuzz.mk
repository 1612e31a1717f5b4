# fuzz.mk - build and run the libFuzzer harnesses (called by `make fuzz FUZZ_SECONDS=N`).
#
#   make -f tests/fuzz/fuzz.mk FUZZ_SECONDS=60           build all, run each for 60 s
#   make -f tests/fuzz/fuzz.mk build                     only build into build-fuzz/
#   make -f tests/fuzz/fuzz.mk FUZZERS="text html"       a subset
#   make -f tests/fuzz/fuzz.mk regress                   replay tests/fixtures/hostile/ only
#
# Each harness is linked (clang, -fsanitize=fuzzer,address,undefined) against every src/*.c
# except main.c. Its corpus lives in build-fuzz/corpus/NAME and is seeded from tests/fixtures
# on every run; crashes are written to build-fuzz/crash-NAME-* (copy them into
# tests/fixtures/hostile/ as regression cases). Per harness it prints executions and coverage.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
# FUZZ_MAX_LEN: one input size cap for every harness (default: per harness, see run.sh)
FUZZ_MAX_LEN ?=
FUZZERS      ?= text html pdf epub image state verify
FZ           ?= build-fuzz

PKGS      ?= $(shell $(MAKE) -s --no-print-directory print-pkgs)
HPDF_LIBS ?= -lhpdf
SAN        = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FZ_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -fno-omit-frame-pointer \
             -Wall -Wextra -Wno-unused-parameter $(SAN) $(shell pkg-config --cflags $(PKGS)) -Isrc $(patsubst %/,-I%,$(wildcard src/*/))
FZ_LIBS    = $(shell pkg-config --libs $(PKGS)) $(HPDF_LIBS) -ljpeg -lpthread -lm

# FUZZ_EXCLUDE: sources to leave out (e.g. a module that is mid-edit and does not compile).
FUZZ_EXCLUDE ?=
# the harnesses link the libraries themselves: not the forwarders that load them on first use
SRC  = $(filter-out src/main.c $(wildcard src/lazy/*.c) $(FUZZ_EXCLUDE),$(wildcard src/*.c src/*/*.c))
OBJ  = $(patsubst src/%.c,$(FZ)/obj/%.o,$(SRC))
BINS = $(patsubst %,$(FZ)/fuzz_%,$(FUZZERS))

.PHONY: run build regress clean-fuzz
.SECONDARY:
run: build
	@FZ=$(FZ) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) \
	  sh tests/fuzz/run.sh $(FUZZERS)

build: $(BINS)

regress: build
	@FZ=$(FZ) sh tests/fuzz/run.sh --regress $(FUZZERS)

$(FZ)/obj/%.o: src/%.c $(wildcard src/*.h src/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(OBJ)
	$(FUZZ_CC) $(FZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(OBJ) $(FZ_LIBS)

clean-fuzz:
	rm -rf $(FZ)
