// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel half of nsapi bench --inject: a calibrated slowdown of one system
 * call.  On the raw tracepoint sys_enter, a call of the chosen syscall made
 * by the benchmark's process tree (the bench, its workers and their
 * children) spins for @loops iterations before the call proceeds.  The
 * control arm runs the same program with loops = 0, so both arms pay the
 * same tracing cost and only the spin differs.
 *
 * The spin is bpf_loop() with an empty callback where the kernel has the
 * helper (5.17+), else a bounded loop of unrolled chunks.  Every call is
 * timed with bpf_ktime_get_ns() around the spin (both arms), so the delay
 * really injected is measured, not assumed.  calibrate (a raw_tp program
 * never attached, run by BPF_PROG_TEST_RUN) times the same spin for the
 * loader's calibration.
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

/* Ancestors checked for the bench's tgid: bench -> worker -> child. */
#define ANCESTORS 3
/* The fallback spin: up to CHUNKS chunks of CHUNK unrolled steps. */
#define CHUNK 32
#define CHUNKS 4096

struct task_struct {
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

const volatile __u32 targ_tgid = 0;
const volatile long targ_nr = -1;

/* Written by the loader between repetitions. */
__u32 loops = 0;
/* Calls of the syscall by our process tree, and their spin time. */
__u64 calls = 0;
__u64 work_ns = 0;
/* calibrate's input and result. */
__u32 cal_loops = 0;
__u64 cal_ns = 0;
__u64 sink = 0;

static long spin_step(__u64 i, void *ctx)
{
	return 0;
}

static __always_inline void spin_loop(__u32 n)
{
	bpf_loop(n, spin_step, NULL, 0);
}

static __always_inline void spin_unrolled(__u32 n)
{
	__u32 chunks = n / CHUNK, c;

	for (c = 0; c < CHUNKS && c < chunks; c++) {
#pragma unroll
		for (int k = 0; k < CHUNK; k++)
			__sync_fetch_and_add(&sink, 1);
	}
}

static __always_inline bool ours(void)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) == targ_tgid)
		return true;
#pragma unroll
	for (int i = 0; i < ANCESTORS; i++) {
		t = BPF_CORE_READ(t, real_parent);
		if (!t)
			return false;
		if ((__u32)BPF_CORE_READ(t, tgid) == targ_tgid)
			return true;
	}
	return false;
}

static __always_inline int inject(__u64 *ctx, bool unrolled)
{
	__u64 t0;

	if ((long)ctx[1] != targ_nr || !ours())
		return 0;
	t0 = bpf_ktime_get_ns();
	if (unrolled)
		spin_unrolled(loops);
	else
		spin_loop(loops);
	__sync_fetch_and_add(&work_ns, bpf_ktime_get_ns() - t0);
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

SEC("raw_tp/sys_enter")
int inject_loop(__u64 *ctx)
{
	return inject(ctx, false);
}

SEC("raw_tp/sys_enter")
int inject_unrolled(__u64 *ctx)
{
	return inject(ctx, true);
}

static __always_inline int calibrate(bool unrolled)
{
	__u64 t0 = bpf_ktime_get_ns();

	if (unrolled)
		spin_unrolled(cal_loops);
	else
		spin_loop(cal_loops);
	cal_ns = bpf_ktime_get_ns() - t0;
	return 0;
}

SEC("raw_tp")
int calibrate_loop(void *ctx)
{
	return calibrate(false);
}

SEC("raw_tp")
int calibrate_unrolled(void *ctx)
{
	return calibrate(true);
}

char LICENSE[] SEC("license") = "GPL";
