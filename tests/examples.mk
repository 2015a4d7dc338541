# tests/examples/: short programs without the test harness that show the
# central behaviors and print what happened.  Built by make (tests.mk builds
# only tests/*.c); check-examples runs each: exit 0 and a final "=> " line.

EXAMPLE_SRCS := $(sort $(wildcard tests/examples/*.c))
EXAMPLE_PROGS := $(patsubst tests/examples/%.c,$(BUILD)/examples/%,$(EXAMPLE_SRCS))
PROGS += $(EXAMPLE_PROGS)

$(BUILD)/examples/%: tests/examples/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(filter-out -D_GNU_SOURCE,$(BASE_CFLAGS)) $(CFLAGS) -o $@ $<

.PHONY: check-examples
CHECK_STEPS += check-examples
check-examples: $(EXAMPLE_PROGS)
	$(Q)fail=0; for p in $(EXAMPLE_PROGS); do \
		out=$$(timeout 10 $$p 2>&1); rc=$$?; \
		if [ $$rc = 0 ] && [ "$$(printf '%s\n' "$$out" | tail -1 | cut -c1-3)" = "=> " ]; then \
			echo "check-examples: $$(basename $$p): $$(printf '%s\n' "$$out" | tail -1)"; \
		else echo "check-examples: $$(basename $$p) failed (exit $$rc):"; printf '%s\n' "$$out"; fail=1; fi; \
	done; exit $$fail
