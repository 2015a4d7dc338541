# The runner (nsapi-test), the command dispatcher (nsapi), the fault
# injector (nsapi-fault) and the environment probe (nsapi-env), each also built statically for the qemu guests and
# with AddressSanitizer + UndefinedBehaviorSanitizer for make check.

HARNESS_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -Iharness
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

RUNNER_SRCS := $(sort $(wildcard harness/runner/*.c))
RUNNER_HDRS := $(wildcard harness/runner/*.h) harness/ns_uapi.h

# name: sources
HARNESS_TOOLS := nsapi nsapi-test nsapi-fault nsapi-env
nsapi_SRCS := harness/nsapi.c
nsapi-test_SRCS := $(RUNNER_SRCS)
nsapi-fault_SRCS := harness/fault.c
# the tests' environment probe, printed by the runner
nsapi-env_SRCS := harness/env.c
nsapi-env_CFLAGS := -Itests
nsapi-env_DEPS := tests/ns_env.h
# suite.json records where the kselftest headers of this build came from.
nsapi-test_CFLAGS = -DKSFT_SOURCE='"$(shell cat $(KSFT_INC)/SOURCE 2>/dev/null)"'
nsapi-test_DEPS := $(KSFT_HDRS)
nsapi-test_LDLIBS := -ljson-c

PROGS += $(addprefix $(BUILD)/,$(HARNESS_TOOLS))
STATIC_PROGS += $(addprefix $(BUILD)/static/,$(HARNESS_TOOLS))
SAN_PROGS := $(addprefix $(BUILD)/san/,$(HARNESS_TOOLS))

define harness_rules
$(BUILD)/$(1): $$($(1)_SRCS) $(RUNNER_HDRS) $$($(1)_DEPS)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$@")
	$$(Q)$$(CC) $$(HARNESS_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$($(1)_SRCS) $$($(1)_LDLIBS) $$(LDLIBS_COMMON)
$(BUILD)/static/$(1): $$($(1)_SRCS) $(RUNNER_HDRS) $$($(1)_DEPS)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$@ (static)")
	$$(Q)$$(CC) $$(HARNESS_CFLAGS) $$($(1)_CFLAGS) -static -o $$@ $$($(1)_SRCS) $$($(1)_LDLIBS) $$(LDLIBS_COMMON)
$(BUILD)/san/$(1): $$($(1)_SRCS) $(RUNNER_HDRS) $$($(1)_DEPS)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  CC      $$@ (asan+ubsan)")
	$$(Q)$$(CC) $$(HARNESS_CFLAGS) $$($(1)_CFLAGS) -O1 $$(SAN_FLAGS) -o $$@ $$($(1)_SRCS) $$($(1)_LDLIBS) $$(LDLIBS_COMMON)
endef
$(foreach t,$(HARNESS_TOOLS),$(eval $(call harness_rules,$(t))))
