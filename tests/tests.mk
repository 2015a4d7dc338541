# The suite: every tests/*.c is one test program, built twice: dynamically for
# the running kernel and statically for the qemu guests of the kernel matrix.

TEST_SRCS := $(sort $(wildcard tests/*.c))
TEST_NAMES := $(basename $(notdir $(TEST_SRCS)))
TEST_PROGS := $(addprefix $(BUILD)/tests/,$(TEST_NAMES))
TEST_STATIC := $(addprefix $(BUILD)/static/tests/,$(TEST_NAMES))
TEST_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -isystem $(KSFT_INC) -Itests -Iharness

PROGS += $(TEST_PROGS)
STATIC_PROGS += $(TEST_STATIC)

$(BUILD)/tests/%: tests/%.c tests/*.h harness/ns_uapi.h $(KSFT_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(TEST_CFLAGS) -o $@ $< $(LDLIBS_COMMON)

$(BUILD)/static/tests/%: tests/%.c tests/*.h harness/ns_uapi.h $(KSFT_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (static)")
	$(Q)$(CC) $(TEST_CFLAGS) -static -o $@ $< $(LDLIBS_COMMON)

# LIST names every program the build made, so that the runner reports one
# that went missing instead of running without it.
PROGS += $(BUILD)/tests/LIST
STATIC_PROGS += $(BUILD)/static/tests/LIST

$(BUILD)/tests/LIST $(BUILD)/static/tests/LIST: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' $(TEST_NAMES) >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

.PHONY: FORCE
FORCE:
