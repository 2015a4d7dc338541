# nsapi bench --inject's loader, build/nsapi-inject (bench/inject_loader.c,
# bench/inject.bpf.c): a calibrated slowdown of one syscall.  Named to sort
# after trace.mk, whose TRACE_* tool checks and flags it reuses.  Without
# clang, bpftool or libbpf there is no nsapi-inject, and bench --inject says
# so (bench/inject.c).

INJECT_OUT := $(BUILD)/inject

ifeq ($(TRACE_MISSING),)

PROGS += $(BUILD)/nsapi-inject

$(INJECT_OUT)/inject.bpf.o: bench/inject.bpf.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  BPF     $@")
	$(Q)$(CLANG) $(TRACE_BPF_CFLAGS) -c $< -o $@

$(INJECT_OUT)/inject.skel.h: $(INJECT_OUT)/inject.bpf.o
	@$(if $(Q),echo "  GENSKEL $@")
	$(Q)$(BPFTOOL) gen skeleton $< name inject > $@

$(BUILD)/nsapi-inject: bench/inject_loader.c $(INJECT_OUT)/inject.skel.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -I$(INJECT_OUT) -o $@ $< -lbpf -lm

endif

# A small power check (bench/check-power.sh): skipped, with the reason,
# where the injection cannot run.
CHECK_STEPS += check-bench-power
.PHONY: check-bench-power
check-bench-power: $(BUILD)/nsapi-bench $(BUILD)/nsapi-compare \
		$(BUILD)/nsapi-power $(if $(TRACE_MISSING),,$(BUILD)/nsapi-inject)
	$(Q)bench/check-power.sh $(BUILD)
