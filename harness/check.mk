# make check's own steps for the suite and the runner; other areas add
# theirs to CHECK_STEPS in their fragments.  harness/check.sh runs them all,
# then compares the host's state before and after.

CHECK_STEPS += check-format check-suite-root check-suite-nobody \
	check-canfail check-runner-errors check-sanitizers check-install \
	check-deps

.PHONY: check-suite-root check-suite-nobody check-canfail \
	check-runner-errors check-sanitizers check-install check-deps

check-suite-root: build-all
	$(Q)BUILD=$(BUILD) harness/check-suite.sh root

check-suite-nobody: build-all
	$(Q)BUILD=$(BUILD) harness/check-suite.sh nobody

check-canfail: build-all
	$(Q)BUILD=$(BUILD) harness/check-canfail.sh tests/canfail.tsv

check-runner-errors: build-all
	$(Q)BUILD=$(BUILD) harness/check-runner-errors.sh

# The kselftest headers' package when apt's lists lack linux-source-6.12.
check-deps:
	$(Q)harness/check-deps.sh

# The runner and the tools beside it, built with ASan and UBSan, run the
# whole suite and the bad-input checks; any sanitizer report fails the step.
check-sanitizers: build-all $(SAN_PROGS)
	$(Q)BUILD=$(BUILD) harness/check-sanitizers.sh

check-install: build-all
	$(Q)rm -rf $(BUILD)/check/install
	$(Q)$(MAKE) --no-print-directory install INSTALL_PATH=$(BUILD)/check/install >/dev/null
	$(Q)BUILD=$(BUILD) harness/check-install.sh $(BUILD)/check/install

# The whole suite, as root and as nobody, where CI runs it: under a
# container-like seccomp filter, with each max_TYPE_namespaces at 0, in
# rootless containers, three at once, in a chroot of the static build.
CHECK_STEPS += check-environments

.PHONY: check-environments

check-environments: build-all static
	$(Q)BUILD=$(BUILD) harness/check-environments.sh
