# nsjoin: the example "join and run" command of S10 (harness/nsjoin.c), built
# for the running kernel and statically for the qemu guests.

NSJOIN_CFLAGS = $(BASE_CFLAGS) $(CFLAGS) -Iharness

PROGS += $(BUILD)/nsjoin
STATIC_PROGS += $(BUILD)/static/nsjoin

$(BUILD)/nsjoin: harness/nsjoin.c harness/ns_uapi.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(NSJOIN_CFLAGS) -o $@ $<

$(BUILD)/static/nsjoin: harness/nsjoin.c harness/ns_uapi.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@ (static)")
	$(Q)$(CC) $(NSJOIN_CFLAGS) -static -o $@ $<
