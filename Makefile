# btfkit: a plain Makefile.
#   make                 library (static + shared) and the btfkit tool, in build/
#   make test            unit, golden and corpus tests (tests/run.sh)
#   make SAN=1 test      the same built with AddressSanitizer + UBSan, in build-san/
#   make bench           benchmarks (bench/run.sh), medians of repeated runs
#   make fuzz            libFuzzer targets (clang), run for FUZZ_SECONDS each
#   make man             the man pages (docs/man/*.scd, by scdoc), in build/man/
#   make install PREFIX=/usr/local   (make uninstall with the same variables)
CC ?= cc
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR ?= $(PREFIX)/bin
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
DESTDIR ?=

VERSION := 0.1.0
SOVERSION := 0

ifeq ($(SAN),1)
B ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
OPT ?= -O1 -g
else
B ?= build
SANFLAGS :=
OPT ?= -O2 -g
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla
CFLAGS ?= $(OPT)
# The public headers are all that cli/, bench/ and fuzz/ see; the library
# also sees src/ and exports only what include/btfkit/ marks BK_API; tests
# may reach into src/ on purpose.
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) $(SANFLAGS) -Iinclude -fPIC -pthread
LIB_CFLAGS := $(BASE_CFLAGS) -Isrc -DBTFKIT_BUILDING -fvisibility=hidden
TEST_CFLAGS := $(BASE_CFLAGS) -Isrc
LDFLAGS ?=
ALL_LDFLAGS := $(LDFLAGS) $(SANFLAGS) -pthread
LIBS := -lelf -lz -llzma -lzstd

LIB_SRCS := $(sort $(wildcard src/*/*.c))
CLI_SRCS := $(sort $(wildcard cli/*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/%.o)
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)
TEST_SUPPORT := $(B)/tests/support.o

STATIC_LIB := $(B)/libbtfkit.a
SHARED_LIB := $(B)/libbtfkit.so.$(VERSION)
TOOL := $(B)/btfkit

.PHONY: all lib tool tests test test-dkms check bench fuzz install uninstall clean testdata man
# keep the objects of tests and benchmarks (make would delete them as intermediates)
.SECONDARY:
all: $(STATIC_LIB) $(SHARED_LIB) $(TOOL)

lib: $(STATIC_LIB) $(SHARED_LIB)
tool: $(TOOL)

$(B)/src/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -MMD -MP -c $< -o $@

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -MMD -MP -c $< -o $@

$(STATIC_LIB): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(SHARED_LIB): $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libbtfkit.so.$(SOVERSION) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)
	ln -sf libbtfkit.so.$(VERSION) $(B)/libbtfkit.so.$(SOVERSION)
	ln -sf libbtfkit.so.$(SOVERSION) $(B)/libbtfkit.so

$(TOOL): $(CLI_OBJS) $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJS) $(STATIC_LIB) $(LIBS)

# ---- man pages ----------------------------------------------------------------
MAN_SRCS := $(sort $(wildcard docs/man/*.scd))
MAN_PAGES := $(MAN_SRCS:docs/man/%.scd=$(B)/man/%)
man: $(MAN_PAGES)
$(B)/man/%: docs/man/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@.tmp && mv $@.tmp $@

# ---- tests ------------------------------------------------------------------
$(B)/tests/%: $(B)/tests/%.o $(TEST_SUPPORT) $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TEST_SUPPORT) $(STATIC_LIB) $(LIBS) -lcmocka

TEST_SCRIPTS := $(sort $(wildcard tests/test_*.sh))
tests: $(TEST_BINS) $(TOOL) $(SHARED_LIB) $(MAN_PAGES)

# Decompressed copies of ../shared (corpus and goldens) for the tests: build
# output, never committed.
SHARED ?= $(abspath ../shared)
testdata:
	@SHARED=$(SHARED) sh tests/prepare-data.sh build/testdata

test check: tests testdata
	@SHARED=$(SHARED) BK_TESTDATA=$(CURDIR)/build/testdata BK_BUILD=$(B) sh tests/run.sh $(TEST_BINS) tests/api.sh $(TEST_SCRIPTS)

# The DKMS hook on a real module (contrib/dkms; needs dkms, dwarves and
# linux-headers-6.1.0-47-amd64)
test-dkms: all testdata
	@SHARED=$(SHARED) BK_TESTDATA=$(CURDIR)/build/testdata BK_BUILD=$(B) sh tests/run.sh tests/dkms.sh

# ---- benchmarks and fuzzing ---------------------------------------------------
BENCH_SRCS := $(sort $(wildcard bench/*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(B)/bench/%)
# libbpf from Debian, when installed, for a side-by-side figure (never linked into btfkit)
HAVE_LIBBPF := $(shell pkg-config --exists libbpf 2>/dev/null && echo 1)
ifneq ($(HAVE_LIBBPF),1)
BENCH_BINS := $(filter-out $(B)/bench/bench_libbpf,$(BENCH_BINS))
endif
$(B)/bench/bench_libbpf: $(B)/bench/bench_libbpf.o
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(shell pkg-config --libs libbpf)
$(B)/bench/%: $(B)/bench/%.o $(STATIC_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(STATIC_LIB) $(LIBS)

bench: all testdata $(BENCH_BINS)
	@SHARED=$(SHARED) BK_TESTDATA=$(CURDIR)/build/testdata BK_BUILD=$(B) sh bench/run.sh

FUZZ_SECONDS ?= 30
fuzz:
	@$(MAKE) -f fuzz/fuzz.mk FUZZ_SECONDS=$(FUZZ_SECONDS) run

# ---- install --------------------------------------------------------------------
install: all man
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/btfkit $(DESTDIR)$(PKGCONFIGDIR) \
	    $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 0755 $(TOOL) $(DESTDIR)$(BINDIR)/btfkit
	install -m 0644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libbtfkit.a
	install -m 0755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libbtfkit.so.$(VERSION)
	ln -sf libbtfkit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libbtfkit.so.$(SOVERSION)
	ln -sf libbtfkit.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libbtfkit.so
	install -m 0644 include/btfkit/*.h $(DESTDIR)$(INCLUDEDIR)/btfkit/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(VERSION)|' btfkit.pc.in > $(DESTDIR)$(PKGCONFIGDIR)/btfkit.pc
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 completion/btfkit.bash $(DESTDIR)$(BASHCOMPDIR)/btfkit
	install -d $(DESTDIR)$(DATADIR)/btfkit/dkms
	install -m 0755 contrib/dkms/btfkit-dkms-btf $(DESTDIR)$(DATADIR)/btfkit/dkms/
	install -m 0644 contrib/dkms/README.md $(DESTDIR)$(DATADIR)/btfkit/dkms/

# what install wrote, and nothing else (directories only when left empty)
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/btfkit $(DESTDIR)$(LIBDIR)/libbtfkit.a \
	    $(DESTDIR)$(LIBDIR)/libbtfkit.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libbtfkit.so.$(SOVERSION) \
	    $(DESTDIR)$(LIBDIR)/libbtfkit.so $(DESTDIR)$(PKGCONFIGDIR)/btfkit.pc \
	    $(DESTDIR)$(BASHCOMPDIR)/btfkit \
	    $(DESTDIR)$(DATADIR)/btfkit/dkms/btfkit-dkms-btf $(DESTDIR)$(DATADIR)/btfkit/dkms/README.md \
	    $(addprefix $(DESTDIR)$(INCLUDEDIR)/btfkit/,$(notdir $(wildcard include/btfkit/*.h))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN_PAGES)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/btfkit $(DESTDIR)$(DATADIR)/btfkit/dkms \
	    $(DESTDIR)$(DATADIR)/btfkit 2>/dev/null

clean:
	rm -rf build build-san

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_SRCS:tests/%.c=$(B)/tests/%.d)
