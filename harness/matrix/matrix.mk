# The qemu kernel matrix: `nsapi matrix` (build/nsapi-matrix, a link to the
# script) and `make matrix`, which regenerates the committed reference
# results (results/matrix.md, results/matrix/) from the default kernels.
#
#   make matrix [MATRIX_KERNELS="6.1 6.12 sid config:no-userns-netns"] [MATRIX_ARGS=...]

MATRIX_KERNELS ?=
MATRIX_ARGS ?=
MATRIX_SCRIPTS := $(wildcard harness/matrix/*.sh harness/matrix/*.jq)

PROGS += $(BUILD)/nsapi-matrix
CHECK_STEPS += check-matrix-smoke check-matrix-crash check-matrix-icount

$(BUILD)/nsapi-matrix: harness/matrix/nsapi-matrix.sh
	@mkdir -p $(@D)
	$(Q)ln -sfn $(abspath $<) $@

# The static builds are made from a recipe (`make static`, whose prerequisites
# are complete once every fragment is read).  The initramfs is rebuilt (here
# and by nsapi-matrix) only when a file in build/static or a guest script is
# newer than it (files only: the LIST rule touches the tests directory).
matrix-image: build-all
	$(Q)$(MAKE) --no-print-directory static
	$(Q)img=$(BUILD)/matrix/initramfs.cpio.gz; \
	if [ ! -e $$img ] || [ -n "$$(find $(BUILD)/static harness/matrix/guest-init.sh \
		harness/matrix/build-initramfs.sh -type f -newer $$img -print -quit)" ]; then \
		BUILD=$(BUILD) harness/matrix/build-initramfs.sh $(BUILD)/static $$img && \
		$(if $(Q),echo "  CPIO    $$img",:); \
	fi

# make deps and what the source-built kernel (config:NAME) needs to build.
.PHONY: matrix matrix-deps matrix-image check-matrix-smoke check-matrix-crash check-matrix-icount
matrix-deps: deps
	$(Q)harness/install-deps.sh --kernel-build

matrix: matrix-deps
	$(Q)$(MAKE) --no-print-directory matrix-image
	$(Q)$(BUILD)/nsapi-matrix --prune --results results $(MATRIX_ARGS) $(MATRIX_KERNELS)

check-matrix-smoke: matrix-image
	$(Q)BUILD=$(BUILD) harness/matrix/check-matrix.sh smoke

check-matrix-crash: matrix-image
	$(Q)BUILD=$(BUILD) harness/matrix/check-matrix.sh crash

check-matrix-icount: matrix-image
	$(Q)BUILD=$(BUILD) harness/matrix/check-matrix.sh icount
