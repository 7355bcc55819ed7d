/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake HiSilicon ZIP device behind the real uacce core: shared definitions.
 *
 * The device behaviour is specified in docs/zip_device_model.md; the queue ABI mirrors
 * drivers/crypto/hisilicon/qm.c of Linux 6.1 (hisi_qm_uacce_*). Nothing here touches real
 * hardware: queue memory is vmalloc'ed RAM and a kernel thread per started queue plays the
 * engine, reading the submitting process's memory with kthread_use_mm() as SVA would let the
 * hardware do.
 */
#ifndef FZ_H
#define FZ_H

#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/uacce.h>
#include <linux/zlib.h>

/* Queue geometry (hisi_zip: HZIP_SQE_SIZE, QM_Q_DEPTH; struct qm_cqe). */
#define FZ_SQE_SIZE 128
#define FZ_SQ_DEPTH 1024
#define FZ_CQ_DEPTH 1024
#define FZ_CQE_SIZE 16
#define FZ_SQ_BYTES (FZ_SQE_SIZE * FZ_SQ_DEPTH)
#define FZ_CQ_BYTES (FZ_CQE_SIZE * FZ_CQ_DEPTH)
/* DUS: SQ, CQ, then one page whose last 8 bytes are ds_rx, ds_tx (qm.c qm_alloc_uacce()). */
#define FZ_DUS_SIZE (PAGE_ALIGN(FZ_SQ_BYTES + FZ_CQ_BYTES) + PAGE_SIZE)
/* MMIO: v2 without doorbell isolation, doorbell at +0x1000 (QM_DOORBELL_SQ_CQ_BASE_V2). */
#define FZ_DB_OFFSET 0x1000
#define FZ_MMIO_PAGES (1 + FZ_DB_OFFSET / PAGE_SIZE)
#define FZ_MMIO_SIZE (FZ_MMIO_PAGES * PAGE_SIZE)

/* Doorbell v2 fields (hisi_acc_qm.h QM_DB_*_SHIFT_V2; UADK masks qn with 0x3ff). */
#define FZ_DB_QN(db) ((u16)((db) & 0x3ff))
#define FZ_DB_CMD(db) ((u8)(((db) >> 12) & 0xf))
#define FZ_DB_INDEX(db) ((u16)((db) >> 32))
#define FZ_DB_CMD_SQ 0
#define FZ_DB_CMD_CQ 1

/* CQE fields (struct qm_cqe): sq_head u16 @8, sq_num u16 @10, w7 u16 @14 (bit 0 phase). */
#define FZ_CQE_SQ_HEAD 8
#define FZ_CQE_SQ_NUM 10
#define FZ_CQE_W7 14

/* SQE dwords (docs/zip_device_model.md "SQE"). */
enum fz_dw {
	FZ_DW_CONSUMED = 0,
	FZ_DW_PRODUCED = 1,
	FZ_DW_STATUS = 3,
	FZ_DW_IN_LEN = 4,
	FZ_DW_FLAGS = 7,
	FZ_DW_ALG = 9,
	FZ_DW_OUT_CAP = 14,
	FZ_DW_CTX0 = 15,
	FZ_DW_SRC_LO = 18,
	FZ_DW_SRC_HI = 19,
	FZ_DW_DST_LO = 20,
	FZ_DW_DST_HI = 21,
	FZ_DW_CTX_LO = 22,
	FZ_DW_CTX_HI = 23,
	FZ_DW_CTX1 = 28,
	FZ_DW_CTX2 = 29,
	FZ_DW_ISIZE = 30,
	FZ_DW_CHECKSUM = 31,
};

#define FZ_FLAG_FINISH BIT(25)
#define FZ_FLAG_STATEFUL BIT(26)
#define FZ_FLAG_NEW BIT(27)
#define FZ_SQE_TYPE(dw7) (((dw7) >> 28) & 0xf)

/* dw9 req_type values. */
#define FZ_ALG_DEFLATE 1
#define FZ_ALG_ZLIB 2
#define FZ_ALG_GZIP 3

/* dw3 status values and the last-block bit. */
#define FZ_ST_OK 0x00
#define FZ_ST_NEGACOMP 0x0d
#define FZ_ST_DSTLEN 0x0e
#define FZ_ST_CRC 0x10
#define FZ_ST_DECOMP_END 0x13
#define FZ_ST_DATA 0x41
#define FZ_LAST_BLOCK BIT(8)
/* ctx_dw0 bits 0-3: DECOMPING_NO_SPACE. */
#define FZ_CTX_ST_NO_SPACE 2

#define FZ_MAX_INPUT (8u << 20)
#define FZ_STATEFUL_MIN_OUT 200
#define FZ_STREAMS 8
#define FZ_CHUNK (64 * 1024)

/* Queue directions (qc_type of UACCE_CMD_QM_SET_QP_CTX). */
#define FZ_DIR_COMPRESS 0
#define FZ_DIR_DECOMPRESS 1

/* One stateful stream the device keeps for a context buffer (fz_engine.c). */
struct fz_stream {
	u64 cookie;	/* also written at the context buffer; 0 = slot free */
	u64 used;	/* LRU clock */
	bool inflate;
	z_stream strm;	/* workspace allocated with the stream */
};

/* What the engine needs per queue: zlib workspaces, bounce buffers, streams. */
struct fz_engine {
	void *deflate_ws;
	void *inflate_ws;
	u8 *in;		/* FZ_CHUNK bounce buffers */
	u8 *out;
	struct fz_stream streams[FZ_STREAMS];
	u64 clock;
	u64 next_cookie;
};

struct fz_dev;

/* One queue pair: what hisi_qm calls a qp. */
struct fz_qp {
	struct fz_dev *dev;
	struct uacce_queue *uq;
	u16 id;
	u16 qc_type;		/* SET_QP_CTX; latched into dir at START */
	u16 dir;
	void *dus;		/* vmalloc_user: SQ, CQ, status page */
	void *mmio;		/* vmalloc_user: doorbell page(s) */
	struct mm_struct *mm;	/* the opener's, held with mmgrab() */

	spinlock_t task_lock;
	struct task_struct *task;

	/* Device side, touched only by the worker while the queue runs. */
	u16 sq_head;
	u16 sq_tail;
	u16 cq_tail;
	u8 phase;
	u64 last_db;
	bool dead;
	struct fz_engine eng;

	/* The kernel's own CQ tracker behind poll() (qm.c hisi_qm_is_q_updated()). */
	spinlock_t poll_lock;
	u16 poll_head;
	u8 poll_phase;
};

/* One fake device: a platform device, its uacce device and its queues. */
struct fz_dev {
	struct device *parent;
	struct uacce_device *uacce;
	int hw_version;
	u32 qp_num;
	struct mutex lock;	/* qp_idr, qp_in_use, queue memory */
	struct idr qp_idr;
	u32 qp_in_use;
	struct fz_qp *qps;
};

/* Where things are inside a queue's memory. */
static inline u8 *fz_sqe(struct fz_qp *qp, u16 slot)
{
	return (u8 *)qp->dus + (size_t)slot * FZ_SQE_SIZE;
}

static inline u8 *fz_cqe(struct fz_qp *qp, u16 slot)
{
	return (u8 *)qp->dus + FZ_SQ_BYTES + (size_t)slot * FZ_CQE_SIZE;
}

static inline u32 *fz_ds_tx(struct fz_qp *qp)
{
	return (u32 *)((u8 *)qp->dus + FZ_DUS_SIZE) - 1;
}

static inline u32 *fz_ds_rx(struct fz_qp *qp)
{
	return (u32 *)((u8 *)qp->dus + FZ_DUS_SIZE) - 2;
}

static inline u64 *fz_doorbell(struct fz_qp *qp)
{
	return (u64 *)((u8 *)qp->mmio + FZ_DB_OFFSET);
}

/* fz_queue.c */
int fz_queue_start(struct fz_qp *qp);
void fz_queue_stop(struct fz_qp *qp);
void fz_queue_kick(struct fz_qp *qp);
int fz_queue_updated(struct fz_qp *qp);

/* fz_engine.c: runs one SQE against the current (borrowed) mm. */
struct fz_request {
	u32 dw[FZ_SQE_SIZE / 4];	/* in: the SQE as submitted; out: results */
	bool v3;			/* the device is hisi_qm_v3 */
	u16 dir;
};

void fz_engine_run(struct fz_engine *eng, struct fz_request *req);
void fz_engine_free(struct fz_engine *eng);

#endif /* FZ_H */
