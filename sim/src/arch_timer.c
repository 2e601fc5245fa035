// SPDX-License-Identifier: BSD-3-Clause
/*
 * The generic timer: the counter, each vCPU's virtual and physical timers, their PPIs.
 */
#include <time.h>

#include "sim_internal.h"
#include "vgic.h"

#define SYS_CNTFRQ    GH_SIM_SYSREG(3, 3, 14, 0, 0)
#define SYS_CNTPCT    GH_SIM_SYSREG(3, 3, 14, 0, 1)
#define SYS_CNTVCT    GH_SIM_SYSREG(3, 3, 14, 0, 2)
#define SYS_CNTP_TVAL GH_SIM_SYSREG(3, 3, 14, 2, 0)
#define SYS_CNTP_CTL  GH_SIM_SYSREG(3, 3, 14, 2, 1)
#define SYS_CNTP_CVAL GH_SIM_SYSREG(3, 3, 14, 2, 2)
#define SYS_CNTV_TVAL GH_SIM_SYSREG(3, 3, 14, 3, 0)
#define SYS_CNTV_CTL  GH_SIM_SYSREG(3, 3, 14, 3, 1)
#define SYS_CNTV_CVAL GH_SIM_SYSREG(3, 3, 14, 3, 2)

uint64_t gh_sim_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The guest's counter: 62.5 MHz = one tick per 16 ns since the VM started. */
uint64_t gh_sim_counter(const struct gh_sim_vm *vm)
{
	return (gh_sim_now_ns() - vm->start_ns) / 16;
}

static bool timer_line(const struct gh_sim_timer *t, uint64_t now)
{
	return (t->ctl & 1) && !(t->ctl & 2) && now >= t->cval;
}

/* When @t fires, in gh_sim_now_ns() time: UINT64_MAX when it is off,
 * masked, already fired, or beyond the clock's range (vm->lock held). */
static uint64_t timer_due_ns(const struct gh_sim_vm *vm, const struct gh_sim_timer *t)
{
	if (!(t->ctl & 1) || (t->ctl & 2) || t->fired)
		return UINT64_MAX;
	if (t->cval >= (UINT64_MAX - vm->start_ns) / 16)
		return UINT64_MAX; /* never, in practice */
	return vm->start_ns + t->cval * 16;
}

/* Reprogrammed (vm->lock held): recompute the line, re-arm the notification. */
static void timer_update(struct gh_sim_vcpu *v, struct gh_sim_timer *t, uint32_t ppi)
{
	bool line = timer_line(t, gh_sim_counter(v->vm));

	t->fired = line;
	gh_sim_gic_set_line(&v->vm->gic, v->id, ppi, line);
}

bool gh_sim_timer_sysreg(struct gh_sim_vcpu *v, uint32_t key, bool is_read, uint64_t *val)
{
	struct gh_sim_vm *vm = v->vm;
	struct gh_sim_timer *t;
	uint64_t now, due = UINT64_MAX;
	uint32_t ppi;

	switch (key) {
	case SYS_CNTFRQ:
		if (!is_read)
			return false;
		*val = GH_SIM_CNTFRQ;
		return true;
	case SYS_CNTPCT:
	case SYS_CNTVCT:
		if (!is_read)
			return false;
		*val = gh_sim_counter(vm);
		return true;
	case SYS_CNTV_TVAL:
	case SYS_CNTV_CTL:
	case SYS_CNTV_CVAL:
		t = &v->timer.vtimer;
		ppi = GH_SIM_PPI_VTIMER;
		break;
	case SYS_CNTP_TVAL:
	case SYS_CNTP_CTL:
	case SYS_CNTP_CVAL:
		t = &v->timer.ptimer;
		ppi = GH_SIM_PPI_PTIMER;
		break;
	default:
		return false;
	}
	pthread_mutex_lock(&vm->lock);
	now = gh_sim_counter(vm);
	switch (key & 7) {
	case 0: /* TVAL: signed 32-bit down-counter view of CVAL */
		if (is_read)
			*val = (uint32_t)(t->cval - now);
		else
			t->cval = now + (uint64_t)(int64_t)(int32_t)(uint32_t)*val;
		break;
	case 1:
		if (is_read)
			*val = (t->ctl & 3) | ((t->ctl & 1) && now >= t->cval ? 4 : 0);
		else
			t->ctl = *val & 3;
		break;
	default:
		if (is_read)
			*val = t->cval;
		else
			t->cval = *val;
		break;
	}
	if (!is_read) {
		timer_update(v, t, ppi);
		due = timer_due_ns(vm, t);
	}
	pthread_mutex_unlock(&vm->lock);
	if (!is_read)
		gh_sim_ticker_timer_set(vm->sim, due);
	return true;
}

void gh_sim_timer_tick(struct gh_sim_vcpu *v, uint64_t now_ns, uint64_t *next_ns)
{
	struct gh_sim_vm *vm = v->vm;
	struct gh_sim_timer *t[2] = { &v->timer.vtimer, &v->timer.ptimer };
	unsigned int j;

	for (j = 0; j < 2; j++) {
		uint64_t due = timer_due_ns(vm, t[j]);

		if (due == UINT64_MAX)
			continue;
		if (now_ns >= due) {
			t[j]->fired = true;
			gh_sim_gic_set_line(&vm->gic, v->id,
			                    j ? GH_SIM_PPI_PTIMER : GH_SIM_PPI_VTIMER, true);
		} else if (due < *next_ns) {
			*next_ns = due;
		}
	}
}
