# nsapi bench / compare / plot: microbenchmarks of the namespace syscalls,
# the comparison of result sets, and the gnuplot driver.  See bench/README.md.

BENCH_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -Ibench -Iharness
BENCH_LDLIBS := -ljson-c -lm $(LDLIBS_COMMON)

BENCH_SRCS := \
	bench/ab.c \
	bench/env.c \
	bench/harness.c \
	bench/inject.c \
	bench/main.c \
	bench/ns_types.c \
	bench/output_json.c \
	bench/output_tsv.c \
	bench/refusal.c \
	bench/registry.c \
	bench/report.c \
	bench/stats.c \
	bench/trace.c \
	bench/workloads_common.c \
	bench/workloads_floor.c \
	bench/workloads_ns.c \
	bench/workloads_nsfs.c \
	bench/workloads_scale.c
COMPARE_SRCS := \
	bench/compare.c \
	bench/paired.c \
	bench/stats.c
BENCH_HDRS := $(wildcard bench/*.h) harness/ns_uapi.h tests/ns_env.h

PROGS += $(BUILD)/nsapi-bench $(BUILD)/nsapi-compare $(BUILD)/nsapi-plot \
	$(BUILD)/nsapi-power
STATIC_PROGS += $(BUILD)/static/nsapi-bench
CHECK_STEPS += check-bench-compare check-bench-aa
RUN_STEPS += bench-run

$(BUILD)/nsapi-bench: $(BENCH_SRCS) $(BENCH_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $(BENCH_SRCS) $(BENCH_LDLIBS)

$(BUILD)/static/nsapi-bench: $(BENCH_SRCS) $(BENCH_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (static)")
	$(Q)$(CC) $(BENCH_CFLAGS) -static -o $@ $(BENCH_SRCS) $(BENCH_LDLIBS)

$(BUILD)/nsapi-compare: $(COMPARE_SRCS) $(BENCH_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(BENCH_CFLAGS) -o $@ $(COMPARE_SRCS) $(BENCH_LDLIBS) -lz

$(BUILD)/nsapi-plot: bench/plot.sh
	@mkdir -p $(@D)
	@$(if $(Q),echo "  INSTALL $@")
	$(Q)install -m 0755 $< $@

$(BUILD)/nsapi-power: bench/power.sh
	@mkdir -p $(@D)
	@$(if $(Q),echo "  INSTALL $@")
	$(Q)install -m 0755 $< $@

# --- make run: the default bench and its plots for the running kernel ----

BENCH_RESULTS = $(or $(NSAPI_RESULTS),results)/$(shell uname -r)

.PHONY: bench-run check-bench-aa check-bench-compare
bench-run: $(BUILD)/nsapi-bench $(BUILD)/nsapi-plot
	$(Q)$(BUILD)/nsapi-bench --results $(or $(NSAPI_RESULTS),results)
	$(Q)$(BUILD)/nsapi-plot $(BENCH_RESULTS)

# --- make check ----------------------------------------------------------

# A/A: the quick bench twice, compared; every verdict must be "same".
check-bench-aa: $(BUILD)/nsapi-bench $(BUILD)/nsapi-compare
	$(Q)bench/check-aa.sh $(BUILD)

# Self-comparison, a synthetic slowdown, and bad inputs.
check-bench-compare: $(BUILD)/nsapi-compare
	$(Q)bench/check-compare.sh $(BUILD)

# --- sanitizers: make check runs check-compare.sh through these -----------

SAN_PROGS += $(BUILD)/san/nsapi-bench $(BUILD)/san/nsapi-compare \
	$(BUILD)/san/nsapi-plot

$(BUILD)/san/nsapi-bench: $(BENCH_SRCS) $(BENCH_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (asan+ubsan)")
	$(Q)$(CC) $(BENCH_CFLAGS) -O1 $(SAN_FLAGS) -o $@ $(BENCH_SRCS) $(BENCH_LDLIBS)

$(BUILD)/san/nsapi-compare: $(COMPARE_SRCS) $(BENCH_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (asan+ubsan)")
	$(Q)$(CC) $(BENCH_CFLAGS) -O1 $(SAN_FLAGS) -o $@ $(COMPARE_SRCS) $(BENCH_LDLIBS) -lz

$(BUILD)/san/nsapi-plot: bench/plot.sh
	@mkdir -p $(@D)
	$(Q)install -m 0755 $< $@
