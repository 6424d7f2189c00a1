# Every records file in records/ becomes a checked trace in traces/:
#   make -f traces.mk -j2
# perfetto-encode -o writes under a temporary name and renames on success,
# and perfetto-inspect fails the build on a trace with errors, so a failed
# step never leaves a half-written or bad trace under the target's name.
RECORDS := $(wildcard records/*.csv)
TRACES := $(RECORDS:records/%.csv=traces/%.pftrace)

all: $(TRACES)

traces/%.pftrace: records/%.csv
	@mkdir -p traces
	perfetto-encode -o $@ $<
	perfetto-inspect -q $@ || { rm -f $@; exit 1; }

clean:
	rm -rf traces

.PHONY: all clean
