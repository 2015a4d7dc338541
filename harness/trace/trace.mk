# The optional eBPF tracer, nsapi trace (harness/trace/README.md).
#
# Built only when clang, bpftool and libbpf are here; otherwise
# $(BUILD)/nsapi-trace is a stub that names what is missing and exits 4, and
# everything else builds as usual.  The BPF object and its skeleton are
# generated into $(BUILD)/trace/, never committed.

TRACE_SRC := harness/trace
TRACE_OUT := $(BUILD)/trace
CLANG ?= clang
BPFTOOL ?= $(firstword $(shell command -v bpftool 2>/dev/null) \
	$(wildcard /usr/sbin/bpftool /sbin/bpftool))
TRACE_ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' \
	-e 's/ppc64le/powerpc/' -e 's/riscv64/riscv/' -e 's/s390x/s390/')
TRACE_MULTIARCH := $(shell $(CC) -dumpmachine 2>/dev/null)

# Static libraries for the qemu guests: libelf.a needs zlib; zstd if built so.
trace_lib = $(filter /%,$(shell $(CC) -print-file-name=$(1) 2>/dev/null))
TRACE_STATIC_LIBS := -lbpf -lelf -lz $(if $(call trace_lib,libzstd.a),-lzstd)

TRACE_MISSING := $(strip \
	$(if $(shell command -v $(CLANG) 2>/dev/null),,clang) \
	$(if $(BPFTOOL),,bpftool) \
	$(if $(wildcard /usr/include/bpf/libbpf.h),,libbpf-dev) \
	$(if $(wildcard /usr/include/gelf.h),,libelf-dev))
TRACE_STATIC_MISSING := $(strip $(TRACE_MISSING) \
	$(if $(call trace_lib,libbpf.a),,libbpf.a) \
	$(if $(call trace_lib,libelf.a),,libelf.a) \
	$(if $(call trace_lib,libz.a),,libz.a))

TRACE_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -I$(TRACE_OUT) -I$(TRACE_SRC)
# -mcpu=v3: the slot claim uses BPF atomics (cmpxchg, xchg; Linux 5.12+).
TRACE_BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_$(TRACE_ARCH) \
	-I/usr/include/$(TRACE_MULTIARCH) -I$(TRACE_SRC) -Wall -Werror

PROGS += $(BUILD)/nsapi-trace $(TRACE_OUT)/trace-overhead
STATIC_PROGS += $(BUILD)/static/nsapi-trace

ifeq ($(TRACE_MISSING),)

$(TRACE_OUT)/nsapi_trace.bpf.o: $(TRACE_SRC)/nsapi_trace.bpf.c \
		$(TRACE_SRC)/nsapi_trace.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  BPF     $@")
	$(Q)$(CLANG) $(TRACE_BPF_CFLAGS) -c $< -o $@

$(TRACE_OUT)/nsapi_trace.skel.h: $(TRACE_OUT)/nsapi_trace.bpf.o
	@$(if $(Q),echo "  GENSKEL $@")
	$(Q)$(BPFTOOL) gen skeleton $< name nsapi_trace > $@

$(BUILD)/nsapi-trace: $(TRACE_SRC)/nsapi_trace.c $(TRACE_SRC)/nsapi_trace.h \
		$(TRACE_OUT)/nsapi_trace.skel.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(TRACE_CFLAGS) -o $@ $< -lbpf

else

$(BUILD)/nsapi-trace: $(TRACE_SRC)/nsapi_trace_missing.c
	@mkdir -p $(@D)
	@echo "  CC      $@ (stub: missing $(TRACE_MISSING))"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) \
		-DTRACE_MISSING='"$(TRACE_MISSING)"' -o $@ $<

endif

ifeq ($(TRACE_STATIC_MISSING),)

# A static library that does not link (Debian 13's libelf.a, elfutils 0.192,
# lacks eu_search_tree_*) makes the static tracer a stub that names the
# symbol, so that the guests still run (T01 SKIPs there); any other link
# error fails the build.
$(BUILD)/static/nsapi-trace: $(TRACE_SRC)/nsapi_trace.c \
		$(TRACE_SRC)/nsapi_trace.h $(TRACE_OUT)/nsapi_trace.skel.h \
		$(TRACE_SRC)/nsapi_trace_missing.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (static)")
	$(Q)if $(CC) $(TRACE_CFLAGS) -static -o $@ $< $(TRACE_STATIC_LIBS) 2>$(TRACE_OUT)/static-link.err; then \
		rm -f $(TRACE_OUT)/static-link.err; \
	elif grep -Eq '/lib(bpf|elf|z|zstd)\.a\(' $(TRACE_OUT)/static-link.err; then \
		sym=$$(grep -m1 -o "undefined reference to .[A-Za-z0-9_]*" $(TRACE_OUT)/static-link.err | \
			sed 's/.* .//'); \
		echo "  CC      $@ (static stub: a static library does not link: $${sym:-see $(TRACE_OUT)/static-link.err})"; \
		$(CC) $(BASE_CFLAGS) $(CFLAGS) -static \
			-DTRACE_MISSING="\"static libraries that link ($$sym undefined in $$(grep -m1 -Eo 'lib(bpf|elf|z|zstd)\.a' $(TRACE_OUT)/static-link.err))\"" \
			-o $@ $(TRACE_SRC)/nsapi_trace_missing.c; \
	else \
		cat $(TRACE_OUT)/static-link.err >&2; rm -f $@; exit 1; \
	fi

else

$(BUILD)/static/nsapi-trace: $(TRACE_SRC)/nsapi_trace_missing.c
	@mkdir -p $(@D)
	@echo "  CC      $@ (static stub: missing $(TRACE_STATIC_MISSING))"
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -static \
		-DTRACE_MISSING='"$(TRACE_STATIC_MISSING)"' -o $@ $<

endif

$(TRACE_OUT)/trace-overhead: $(TRACE_SRC)/trace_overhead.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(BASE_CFLAGS) $(CFLAGS) -o $@ $<

# The tracer's overhead per traced call (needs root): see README.md.
.PHONY: trace-overhead
trace-overhead: $(BUILD)/nsapi-trace $(TRACE_OUT)/trace-overhead
	$(Q)$(TRACE_SRC)/overhead.sh $(BUILD)

CHECK_STEPS += check-trace
.PHONY: check-trace
check-trace: $(BUILD)/nsapi-trace $(BUILD)/tests/t01_trace_reports_calls \
		$(TRACE_OUT)/trace-overhead
	$(Q)$(TRACE_SRC)/check-trace.sh $(BUILD)
