# libFuzzer targets for btfkit (clang; Debian's clang-14 works).
#
#   make -f fuzz/fuzz.mk                      build every target in build-fuzz/
#   make -f fuzz/fuzz.mk run FUZZ_SECONDS=60  run each target for N seconds (CI: `make fuzz`)
#   make -f fuzz/fuzz.mk run-raw FUZZ_SECONDS=3600 FUZZ_JOBS=2   a long run of one target
#   make -f fuzz/fuzz.mk coverage             line coverage of src/ by the corpora (llvm-cov)
#   make -f fuzz/fuzz.mk merge                fold the working corpora back into fuzz/seeds/
#
# Each run starts from fuzz/seeds/<target>/ (committed) and grows a working
# corpus in fuzz/corpus-<target>/ (not committed). Crashes, leaks and
# timeouts are saved as fuzz/crash-*, fuzz/leak-*, fuzz/timeout-*: commit
# the input under tests/regress/<target>/ so that tests/test_regress.c
# replays it on every test run.
FUZZ_CC ?= clang
FUZZ_B ?= build-fuzz
FUZZ_SECONDS ?= 30
FUZZ_JOBS ?= 1
FUZZ_TARGETS := raw elf asm dump distill dumpc elfwrite check btfids
# per-target options: ELF seeds are whole modules; the rest are small
FUZZ_OPTS_COMMON := -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -artifact_prefix=fuzz/
FUZZ_OPTS_raw := -max_len=16384 -dict=fuzz/btf.dict
FUZZ_OPTS_elf := -max_len=65536 -dict=fuzz/btf.dict
FUZZ_OPTS_asm := -max_len=16384 -dict=fuzz/asm.dict
FUZZ_OPTS_dump := -max_len=16384 -dict=fuzz/btf.dict
FUZZ_OPTS_distill := -max_len=16384 -dict=fuzz/btf.dict
FUZZ_OPTS_dumpc := -max_len=131072 -dict=fuzz/btf.dict
FUZZ_OPTS_elfwrite := -max_len=65536 -dict=fuzz/btf.dict
FUZZ_OPTS_check := -max_len=16384 -dict=fuzz/btf.dict
FUZZ_OPTS_btfids := -max_len=65536 -dict=fuzz/btf.dict

# FUZZ_SAN_EXTRA can mute one known, reported check (e.g.
# -fno-sanitize=nonnull-attribute, with its own FUZZ_B) to look past it.
FUZZ_SAN_EXTRA ?=
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined $(FUZZ_SAN_EXTRA)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror \
	-Iinclude -Ifuzz -pthread -MMD -MP
# the library also sees its own sources; the targets see only include/
FUZZ_LIB_CFLAGS := $(FUZZ_CFLAGS) -Isrc -DBTFKIT_BUILDING
LIBS := -lelf -lz -llzma -lzstd

LIB_SRCS := $(sort $(wildcard src/*/*.c))
LIB_OBJS := $(LIB_SRCS:src/%.c=$(FUZZ_B)/lib/%.o)
COV_OBJS := $(LIB_SRCS:src/%.c=$(FUZZ_B)/cov/%.o)
BINS := $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
COV_BINS := $(FUZZ_TARGETS:%=$(FUZZ_B)/cov_%)

# the objects are pattern intermediates: keep them between builds
.SECONDARY:

.PHONY: all run coverage merge clean $(FUZZ_TARGETS:%=run-%) $(FUZZ_TARGETS:%=merge-%)
all: $(BINS)

$(FUZZ_B)/lib/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_LIB_CFLAGS) $(SAN) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(SAN) -fsanitize=fuzzer -o $@ $< $(LIB_OBJS) $(LIBS)

run: $(BINS)
	@for t in $(FUZZ_TARGETS); do \
		$(MAKE) -f fuzz/fuzz.mk --no-print-directory run-$$t || exit 1; \
	done

$(FUZZ_TARGETS:%=run-%): run-%: $(FUZZ_B)/fuzz_%
	@mkdir -p fuzz/corpus-$*
	@echo "== fuzz_$* for $(FUZZ_SECONDS)s"
	$(FUZZ_B)/fuzz_$* $(FUZZ_OPTS_COMMON) $(FUZZ_OPTS_$*) -max_total_time=$(FUZZ_SECONDS) \
		$(if $(filter-out 1,$(FUZZ_JOBS)),-fork=$(FUZZ_JOBS)) \
		fuzz/corpus-$* fuzz/seeds/$*

# Coverage: the same targets built with clang's source-based coverage, run
# once over the seeds and the working corpora (-runs=0 executes each input).
$(FUZZ_B)/cov/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_LIB_CFLAGS) -fprofile-instr-generate -fcoverage-mapping -c $< -o $@

$(FUZZ_B)/cov_%: fuzz/fuzz_%.c fuzz/fuzz.h $(COV_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -fprofile-instr-generate -fcoverage-mapping \
		-o $@ $< $(COV_OBJS) $(LIBS)

coverage: $(COV_BINS)
	@rm -f $(FUZZ_B)/*.profraw
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus-$$t; \
		dirs=""; for d in fuzz/corpus-$$t fuzz/seeds/$$t tests/regress/$$t; do \
			[ -d $$d ] && dirs="$$dirs $$d"; done; \
		LLVM_PROFILE_FILE=$(FUZZ_B)/$$t.profraw $(FUZZ_B)/cov_$$t -runs=0 $$dirs \
			>/dev/null 2>&1 || exit 1; \
		llvm-profdata merge -sparse $(FUZZ_B)/$$t.profraw -o $(FUZZ_B)/$$t.profdata; \
		echo "== fuzz_$$t: coverage of src/"; \
		llvm-cov report $(FUZZ_B)/cov_$$t -instr-profile=$(FUZZ_B)/$$t.profdata $(LIB_SRCS) \
			| sed -n '/^Filename/,$$p'; \
	done
	@llvm-profdata merge -sparse $(FUZZ_B)/*.profraw -o $(FUZZ_B)/all.profdata
	@echo "== all targets together"
	@llvm-cov report $(firstword $(COV_BINS)) $(addprefix -object ,$(wordlist 2,9,$(COV_BINS))) -instr-profile=$(FUZZ_B)/all.profdata \
		$(LIB_SRCS) | tail -1

# Fold the working corpora into the committed seeds, keeping only inputs that
# add coverage (libFuzzer's merge).
merge: $(FUZZ_TARGETS:%=merge-%)
	@echo "new seed sets in fuzz/seeds-new/: review their size, then replace fuzz/seeds/"

$(FUZZ_TARGETS:%=merge-%): merge-%: $(FUZZ_B)/fuzz_%
	@mkdir -p fuzz/corpus-$* fuzz/seeds-new/$*
	$(FUZZ_B)/fuzz_$* -merge=1 $(FUZZ_OPTS_$*) fuzz/seeds-new/$* fuzz/seeds/$* fuzz/corpus-$*

clean:
	rm -rf $(FUZZ_B)

# header dependencies (-MMD): an object is rebuilt when a header it uses changes
-include $(LIB_OBJS:.o=.d) $(COV_OBJS:.o=.d) $(BINS:=.d) $(COV_BINS:=.d)
