# make run: the suite on the running kernel (as root, and again as the
# unprivileged user nobody when run as root), then every RUN_STEPS target of
# the other areas (the benchmarks and their plots).  Results go to
# results/<kernel release>/.

RELEASE := $(shell uname -r)
RUN_RESULTS := results/$(RELEASE)

.PHONY: run-suite run-suite-nobody
run-suite: build-all
	$(Q)$(BUILD)/nsapi test --junit $(RUN_RESULTS)/junit.xml

run-suite-nobody: build-all
	$(Q)if [ "$$(id -u)" = 0 ]; then \
		$(BUILD)/nsapi test --user nobody \
			--junit $(RUN_RESULTS)/junit-nobody.xml; \
	else echo "# run-suite-nobody: not root, the suite above ran unprivileged"; fi
