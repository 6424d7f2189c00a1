# spanpipe: Unix filters that turn telemetry records into Perfetto traces.
# Out-of-tree builds: `make BUILD=dir` keeps objects and tools in dir.
.SUFFIXES:

include config.mk

BUILD = build
TOOLS = $(patsubst tools/%.c,%,$(wildcard tools/*.c))
BINS = $(TOOLS:%=$(BUILD)/%)
COMMON_SRC = $(wildcard common/*/*.c)
COMMON_OBJ = $(COMMON_SRC:common/%.c=$(BUILD)/common/%.o) $(BUILD)/proto/perfetto_trace.pb-c.o
HDR = $(wildcard common/*/*.h) $(BUILD)/proto/perfetto_trace.pb-c.h
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BINS = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MAN1 = $(wildcard man/*.1)
MAN5 = $(wildcard man/*.5)
ALL_CPPFLAGS = $(CPPFLAGS) -Icommon -I$(BUILD)/proto

all: deps $(BINS)

deps:
	@sh tests/deps.sh

# deps first, even under -j: the build needs protoc-c and the headers
$(BUILD)/proto/perfetto_trace.pb-c.c $(BUILD)/proto/perfetto_trace.pb-c.h: proto/perfetto_trace.proto | deps
	@mkdir -p $(BUILD)/proto
	protoc-c --proto_path=proto --c_out=$(BUILD)/proto proto/perfetto_trace.proto

$(BUILD)/proto/perfetto_trace.pb-c.o: $(BUILD)/proto/perfetto_trace.pb-c.c $(BUILD)/proto/perfetto_trace.pb-c.h
	$(CC) $(CFLAGS) $(ALL_CPPFLAGS) -c -o $@ $(BUILD)/proto/perfetto_trace.pb-c.c

$(BUILD)/common/%.o: common/%.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(ALL_CPPFLAGS) -c -o $@ $<

$(BUILD)/libcommon.a: $(COMMON_OBJ)
	rm -f $@
	ar rcs $@ $(COMMON_OBJ)

$(BUILD)/%: tools/%.c $(BUILD)/libcommon.a $(HDR)
	$(CC) $(CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcommon.a $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libcommon.a $(HDR)
	@mkdir -p $(BUILD)/tests
	$(CC) $(CFLAGS) $(ALL_CPPFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libcommon.a $(LIBS)

check: all $(UNIT_BINS)
	@sh tests/run.sh $(BUILD)

demo: all
	@sh tests/demo.sh $(BUILD)

bench:
	@sh tests/bench.sh $(BENCH_FLAGS)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5
	for t in $(TOOLS); do cp -f $(BUILD)/$$t $(DESTDIR)$(BINDIR)/ && chmod 755 $(DESTDIR)$(BINDIR)/$$t; done
	for m in $(MAN1); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man1/ && chmod 644 $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done
	for m in $(MAN5); do cp -f $$m $(DESTDIR)$(MANPREFIX)/man5/ && chmod 644 $(DESTDIR)$(MANPREFIX)/man5/$${m#man/}; done
	mkdir -p $(DESTDIR)$(COMPDIR)
	for t in $(TOOLS); do cp -f completion/spanpipe.bash $(DESTDIR)$(COMPDIR)/$$t && chmod 644 $(DESTDIR)$(COMPDIR)/$$t; done

uninstall:
	for t in $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m#man/}; done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANPREFIX)/man5/$${m#man/}; done
	for t in $(TOOLS); do rm -f $(DESTDIR)$(COMPDIR)/$$t; done

clean:
	rm -rf $(BUILD) build-* demo.pftrace demo.db example.pftrace

.PHONY: all deps check demo bench install uninstall clean
.PRECIOUS: $(BUILD)/common/%.o $(BUILD)/proto/perfetto_trace.pb-c.c

# --- store schema (span-fetch, span-gen) -------------------------------------
# sql/*.sql is the schema of the telemetry store; common/store/schema.c embeds it
# through a header generated here, and make install puts it in DATADIR.
DATADIR = $(PREFIX)/share/spanpipe
STORE_SQL = sql/store-sqlite.sql sql/store-postgresql.sql
SQL_TO_C = sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/'

$(BUILD)/sql/store-sql.h: $(STORE_SQL)
	@mkdir -p $(BUILD)/sql
	{ echo '/* generated from $(STORE_SQL) */'; \
	  echo 'static const char schema_sqlite[] ='; $(SQL_TO_C) sql/store-sqlite.sql; echo ';'; \
	  echo 'static const char schema_pg[] ='; $(SQL_TO_C) sql/store-postgresql.sql; echo ';'; \
	} >$@.tmp && mv $@.tmp $@

$(BUILD)/common/store/schema.o: $(BUILD)/sql/store-sql.h
$(BUILD)/common/store/schema.o: ALL_CPPFLAGS += -I$(BUILD)/sql

install: install-sql
uninstall: uninstall-sql
install-sql:
	mkdir -p $(DESTDIR)$(DATADIR)
	for f in $(STORE_SQL); do cp -f $$f $(DESTDIR)$(DATADIR)/ && chmod 644 $(DESTDIR)$(DATADIR)/$${f#sql/}; done
uninstall-sql:
	for f in $(STORE_SQL); do rm -f $(DESTDIR)$(DATADIR)/$${f#sql/}; done
	-rmdir $(DESTDIR)$(DATADIR) 2>/dev/null
.PHONY: install-sql uninstall-sql

# --- hardening: fuzzing and memcheck -----------------------------------------
# make fuzz builds the libFuzzer harnesses of tests/fuzz with clang in
# FUZZ_BUILD and runs each for FUZZ_SECONDS (see tests/fuzz/run.sh);
# make memcheck runs the tests with every tool under valgrind's memcheck.
FUZZ_BUILD = build-fuzz
FUZZ_SECONDS = 60
fuzz:
	@FUZZ_CPPFLAGS='$(filter-out -DVERSION=%,$(CPPFLAGS))' FUZZ_LIBS='$(LIBS)' \
	    sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)
memcheck: all $(UNIT_BINS)
	@sh tests/memcheck.sh $(BUILD)
.PHONY: fuzz memcheck
