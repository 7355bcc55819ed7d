// SPDX-License-Identifier: GPL-2.0
/*
 * The fake engine's queue side: one kernel thread per started queue reads the doorbell,
 * executes SQEs in order, writes the results back into the SQ slot and a CQE with the phase
 * bit, and wakes poll(). Also the kernel's own CQ tracker behind poll(), as hisi_qm has it.
 *
 * The doorbell page is RAM, so the thread sees only the latest value written there
 * (docs/zip_device_model.md, "MODEL: doorbells in plain memory"). It remembers the last SQ
 * tail it saw, keeps polling for a while after each piece of work, sleeps briefly when idle,
 * and is woken at once by poll(), before which the driver re-writes the SQ tail.
 */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched/mm.h>

#include "fz.h"

#define FZ_SPIN_NS (500 * NSEC_PER_USEC)	/* keep polling this long after work */
#define FZ_IDLE_NS (1000 * NSEC_PER_USEC)	/* then sleep this long between looks */
#define FZ_IDLE_SLACK_NS (500 * NSEC_PER_USEC)

/* The words of an SQE the device writes back. */
static const u8 fz_out_dws[] = {
	FZ_DW_CONSUMED, FZ_DW_PRODUCED, FZ_DW_STATUS, FZ_DW_CTX0,
	FZ_DW_CTX1, FZ_DW_CTX2, FZ_DW_ISIZE, FZ_DW_CHECKSUM,
};

/* A doorbell the hardware would reject: log it loudly and stop the queue, as an error would. */
static void fz_kill(struct fz_qp *qp, u64 db, const char *why)
{
	qp->dead = true;
	WRITE_ONCE(*fz_ds_rx(qp), 1);
	dev_err(qp->dev->parent,
		"queue %u: bad doorbell 0x%016llx (qn %u, cmd %u, index %u): %s; queue marked dead (ds_rx = 1)\n",
		qp->id, db, FZ_DB_QN(db), FZ_DB_CMD(db), FZ_DB_INDEX(db), why);
}

/* Reads the doorbell word; records a new SQ tail. Returns false once the queue is dead. */
static bool fz_read_doorbell(struct fz_qp *qp)
{
	u64 db = READ_ONCE(*fz_doorbell(qp));

	if (qp->dead)
		return false;
	if (db == qp->last_db)
		return true;
	qp->last_db = db;
	if (FZ_DB_QN(db) != qp->id)
		fz_kill(qp, db, "queue number is not this queue's");
	else if (FZ_DB_CMD(db) != FZ_DB_CMD_SQ && FZ_DB_CMD(db) != FZ_DB_CMD_CQ)
		fz_kill(qp, db, "command is neither SQ (0) nor CQ (1)");
	else if (FZ_DB_INDEX(db) >= (FZ_DB_CMD(db) == FZ_DB_CMD_SQ ? FZ_SQ_DEPTH : FZ_CQ_DEPTH))
		fz_kill(qp, db, "index beyond the queue depth");
	else if (FZ_DB_CMD(db) == FZ_DB_CMD_SQ)
		qp->sq_tail = FZ_DB_INDEX(db);
	return !qp->dead;
}

/* Results into the SQ slot, then the CQE body, then its phase: the driver sees all or none. */
static void fz_complete(struct fz_qp *qp, u16 slot, const struct fz_request *req)
{
	__le32 *sqe = (__le32 *)fz_sqe(qp, slot);
	u8 *cqe = fz_cqe(qp, qp->cq_tail);
	int i;

	for (i = 0; i < ARRAY_SIZE(fz_out_dws); i++)
		WRITE_ONCE(sqe[fz_out_dws[i]], cpu_to_le32(req->dw[fz_out_dws[i]]));
	memset(cqe, 0, FZ_CQE_W7);
	*(__le16 *)(cqe + FZ_CQE_SQ_HEAD) = cpu_to_le16(slot);
	*(__le16 *)(cqe + FZ_CQE_SQ_NUM) = cpu_to_le16(qp->id);
	smp_wmb();
	WRITE_ONCE(*(__le16 *)(cqe + FZ_CQE_W7), cpu_to_le16(qp->phase));
	if (++qp->cq_tail == FZ_CQ_DEPTH) {
		qp->cq_tail = 0;
		qp->phase ^= 1;
	}
	wake_up_interruptible(&qp->uq->wait);
}

/* Executes every SQE up to the last SQ tail seen. Returns whether it did anything. */
static bool fz_step(struct fz_qp *qp)
{
	struct fz_request req;
	bool did = false;
	int i;

	if (!fz_read_doorbell(qp) || qp->sq_head == qp->sq_tail)
		return false;
	if (!mmget_not_zero(qp->mm))
		return false; /* the process is exiting; release will stop us */
	kthread_use_mm(qp->mm);
	while (qp->sq_head != qp->sq_tail && !kthread_should_stop()) {
		const __le32 *sqe = (const __le32 *)fz_sqe(qp, qp->sq_head);

		smp_rmb(); /* the SQE is read after the doorbell that published it */
		for (i = 0; i < ARRAY_SIZE(req.dw); i++)
			req.dw[i] = le32_to_cpu(READ_ONCE(sqe[i]));
		req.v3 = qp->dev->hw_version >= 3;
		req.dir = qp->dir;
		fz_engine_run(&qp->eng, &req);
		fz_complete(qp, qp->sq_head, &req);
		qp->sq_head = (qp->sq_head + 1) % FZ_SQ_DEPTH;
		did = true;
		if (!fz_read_doorbell(qp))
			break;
		cond_resched();
	}
	kthread_unuse_mm(qp->mm);
	mmput(qp->mm);
	return did;
}

static int fz_worker(void *data)
{
	struct fz_qp *qp = data;
	u64 last_work = ktime_get_ns();

	while (!kthread_should_stop()) {
		ktime_t idle = ns_to_ktime(FZ_IDLE_NS);

		if (fz_step(qp)) {
			last_work = ktime_get_ns();
			continue;
		}
		if (ktime_get_ns() - last_work < FZ_SPIN_NS) {
			cond_resched();
			continue;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule_hrtimeout_range(&idle, FZ_IDLE_SLACK_NS, HRTIMER_MODE_REL);
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/**
 * fz_queue_start() - reset the queue's device state and start its worker (UACCE_CMD_START_Q).
 * @qp: the queue; its direction is latched from SET_QP_CTX, as the SQC is on hardware.
 *
 * Return: 0, or a negative errno when the thread cannot be created.
 */
int fz_queue_start(struct fz_qp *qp)
{
	struct task_struct *t;

	qp->dir = qp->qc_type;
	qp->sq_head = 0;
	qp->sq_tail = 0;
	qp->cq_tail = 0;
	qp->phase = 1;
	/* The doorbell "registers" reset; the CQ is zeroed only when the queue is created. */
	memset(qp->mmio, 0, FZ_MMIO_SIZE);
	qp->last_db = 0;
	spin_lock(&qp->poll_lock);
	qp->poll_head = 0;
	qp->poll_phase = 1;
	spin_unlock(&qp->poll_lock);

	t = kthread_run(fz_worker, qp, "fake_zip%u/%u", qp->dev->uacce->dev_id, qp->id);
	if (IS_ERR(t))
		return PTR_ERR(t);
	spin_lock(&qp->task_lock);
	qp->task = t;
	spin_unlock(&qp->task_lock);
	return 0;
}

/**
 * fz_queue_stop() - stop the worker; the SQE in progress completes, later ones stay queued.
 * @qp: the queue.
 */
void fz_queue_stop(struct fz_qp *qp)
{
	struct task_struct *t;

	spin_lock(&qp->task_lock);
	t = qp->task;
	qp->task = NULL;
	spin_unlock(&qp->task_lock);
	if (t)
		kthread_stop(t);
}

/**
 * fz_queue_kick() - make the worker look at the doorbell now.
 * @qp: the queue.
 */
void fz_queue_kick(struct fz_qp *qp)
{
	spin_lock(&qp->task_lock);
	if (qp->task)
		wake_up_process(qp->task);
	spin_unlock(&qp->task_lock);
}

/**
 * fz_queue_updated() - whether CQEs arrived since poll() last reported some.
 * @qp: the queue.
 *
 * Mirrors hisi_qm_is_q_updated(): the kernel keeps its own CQ head and phase, independent of
 * the driver's, and moves it past every completed CQE it sees. Also kicks the worker, since
 * a driver about to sleep has just re-written its SQ tail.
 *
 * Return: 1 when new CQEs were found, else 0.
 */
int fz_queue_updated(struct fz_qp *qp)
{
	int updated = 0, n;

	fz_queue_kick(qp);
	spin_lock(&qp->poll_lock);
	for (n = 0; n < FZ_CQ_DEPTH; n++) {
		__le16 w7 = READ_ONCE(*(__le16 *)(fz_cqe(qp, qp->poll_head) + FZ_CQE_W7));

		if ((le16_to_cpu(w7) & 1) != qp->poll_phase)
			break;
		if (++qp->poll_head == FZ_CQ_DEPTH) {
			qp->poll_head = 0;
			qp->poll_phase ^= 1;
		}
		updated = 1;
	}
	spin_unlock(&qp->poll_lock);
	return updated;
}
