# make install INSTALL_PATH=DIR: the layout of the kernel's kselftest
# install (run_kselftest.sh, kselftest-list.txt, one collection directory
# with its tests, settings and config), so CI systems built around the
# kernel's selftests run nsapi without changes.

INSTALL_PATH ?=
KSFT_COLLECTION := nsapi
KSFT_TIMEOUT := 30

.PHONY: install
install: build-all
	@if [ -z "$(INSTALL_PATH)" ]; then \
		echo "make install: give INSTALL_PATH=DIR" >&2; exit 2; fi
	$(Q)mkdir -p $(INSTALL_PATH)/$(KSFT_COLLECTION)
	$(Q)cp $(TEST_PROGS) $(INSTALL_PATH)/$(KSFT_COLLECTION)/
	$(Q)cp tests/config $(INSTALL_PATH)/$(KSFT_COLLECTION)/config
	$(Q)echo "timeout=$(KSFT_TIMEOUT)" >$(INSTALL_PATH)/$(KSFT_COLLECTION)/settings
	$(Q)printf '$(KSFT_COLLECTION):%s\n' $(TEST_NAMES) >$(INSTALL_PATH)/kselftest-list.txt
	$(Q)cp harness/kselftest/run_kselftest.sh $(INSTALL_PATH)/
	$(Q)for t in nsjoin nsapi-trace; do \
		[ ! -x $(BUILD)/$$t ] || cp $(BUILD)/$$t $(INSTALL_PATH)/; done
	@echo "  INSTALL $(INSTALL_PATH): $(words $(TEST_NAMES)) tests; run $(INSTALL_PATH)/run_kselftest.sh"
