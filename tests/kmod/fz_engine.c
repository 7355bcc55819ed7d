// SPDX-License-Identifier: GPL-2.0
/*
 * The fake engine: runs one ZIP SQE with the kernel's zlib, as docs/zip_device_model.md
 * ("SQE", "Data") specifies. Called by the queue worker with the submitting process's mm
 * borrowed (kthread_use_mm), so source, destination and context addresses are that
 * process's virtual addresses, as under SVA.
 *
 * Headers are software's; the device writes raw deflate and, on FINISH, the trailer.
 * Stateful streams keep their zlib state here, keyed by a tag the device writes at the
 * context buffer address (MODEL: the hardware keeps its state inside that buffer).
 */
#include <linux/bitrev.h>
#include <linux/crc32.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>
#include <linux/vmalloc.h>
#include <linux/zutil.h>

#include "fz.h"

/* MODEL: the hardware has no level control (docs/hisi_zip_sqe.md §9); level 1 is fast. */
#define FZ_LEVEL 1
#define FZ_MEM_LEVEL 8
#define FZ_STREAM_MAGIC 0x585a5a46u /* "FZZX" at the context buffer */

/* Running checksum and ISIZE of one request (dw30, dw31). */
struct fz_sum {
	u8 alg;
	u32 crc;	/* reflected CRC-32 register, before the final XOR */
	u32 adler;
	u32 isize;
};

/* One request being executed. */
struct fz_job {
	u32 flags;
	u8 alg;
	u32 in_len;
	u32 cap;
	u64 src;
	u64 dst;
	u64 ctx;
	int wbits;
	struct fz_sum sum;
	u32 consumed;
	u32 produced;
	u32 status;
	u32 ctx0;
};

static void sum_start(struct fz_sum *s, u8 alg, bool fresh, u32 isize, u32 dw31)
{
	s->alg = alg;
	s->isize = fresh ? 0 : isize;
	/* gzip dw31 is the CRC register un-reflected without the final XOR. */
	s->crc = fresh ? ~0u : bitrev32(dw31);
	s->adler = fresh ? 1 : dw31;
}

static void sum_add(struct fz_sum *s, const u8 *p, u32 n)
{
	s->isize += n;
	if (s->alg == FZ_ALG_GZIP)
		s->crc = crc32_le(s->crc, p, n);
	else if (s->alg == FZ_ALG_ZLIB)
		s->adler = zlib_adler32(s->adler, p, n);
}

static u32 sum_dw31(const struct fz_sum *s)
{
	if (s->alg == FZ_ALG_GZIP)
		return bitrev32(s->crc);
	if (s->alg == FZ_ALG_ZLIB)
		return s->adler;
	return 0;
}

/* The trailer as it appears in the stream (gzip: CRC LE, ISIZE LE; zlib: Adler BE). */
static u32 sum_trailer(const struct fz_sum *s, u8 *t)
{
	if (s->alg == FZ_ALG_GZIP) {
		put_unaligned_le32(~s->crc, t);
		put_unaligned_le32(s->isize, t + 4);
		return 8;
	}
	if (s->alg == FZ_ALG_ZLIB) {
		put_unaligned_be32(s->adler, t);
		return 4;
	}
	return 0;
}

static int in_get(struct fz_job *j, u32 off, u8 *buf, u32 n)
{
	if (n && copy_from_user(buf, u64_to_user_ptr(j->src + off), n))
		return -EFAULT;
	return 0;
}

static int out_put(struct fz_job *j, const u8 *p, u32 n)
{
	if (n > j->cap - j->produced)
		return -ENOSPC;
	if (n && copy_to_user(u64_to_user_ptr(j->dst + j->produced), p, n))
		return -EFAULT;
	j->produced += n;
	return 0;
}

/* Deflates the whole input; the last chunk gets `last_flush` (Z_FINISH or Z_SYNC_FLUSH). */
static int deflate_run(struct fz_engine *eng, struct fz_job *j, z_stream *s, int last_flush)
{
	u32 off = 0;

	do {
		u32 n = min_t(u32, j->in_len - off, FZ_CHUNK);
		int flush = off + n == j->in_len ? last_flush : Z_NO_FLUSH;

		if (in_get(j, off, eng->in, n))
			return -EFAULT;
		sum_add(&j->sum, eng->in, n);
		s->next_in = eng->in;
		s->avail_in = n;
		off += n;
		for (;;) {
			int ret, err;

			s->next_out = eng->out;
			s->avail_out = FZ_CHUNK;
			ret = zlib_deflate(s, flush);
			if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
				return -EIO;
			err = out_put(j, eng->out, FZ_CHUNK - s->avail_out);
			if (err)
				return err;
			if (flush == Z_FINISH ? ret == Z_STREAM_END : s->avail_out != 0)
				break;
			if (ret == Z_BUF_ERROR && s->avail_out == FZ_CHUNK)
				return -EIO; /* no progress possible */
		}
	} while (off < j->in_len);
	return 0;
}

/*
 * Inflates until the end of the stream, the end of the input, or a full output.
 * Returns 0 (*ended says which), -ENOSPC (output full, more may be pending), -EFAULT
 * or -EIO (corrupt data). Sets j->consumed to the bytes zlib took.
 */
static int inflate_run(struct fz_engine *eng, struct fz_job *j, z_stream *s, bool *ended)
{
	u32 off = 0;
	int err = 0;

	*ended = false;
	s->avail_in = 0;
	for (;;) {
		u32 room = j->cap - j->produced, in_before, n;
		int ret;

		if (s->avail_in == 0 && off < j->in_len) {
			n = min_t(u32, j->in_len - off, FZ_CHUNK);
			if (in_get(j, off, eng->in, n)) {
				err = -EFAULT;
				break;
			}
			s->next_in = eng->in;
			s->avail_in = n;
			off += n;
		}
		if (room == 0) {
			err = -ENOSPC;
			break;
		}
		in_before = s->avail_in;
		s->next_out = eng->out;
		s->avail_out = min_t(u32, room, FZ_CHUNK);
		n = s->avail_out;
		ret = zlib_inflate(s, Z_SYNC_FLUSH);
		n -= s->avail_out;
		sum_add(&j->sum, eng->out, n);
		err = out_put(j, eng->out, n);
		if (err)
			break;
		if (ret == Z_STREAM_END) {
			*ended = true;
			break;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			err = -EIO;
			break;
		}
		if (n == 0 && in_before == s->avail_in) {
			/* No progress: zlib wants input we do not have. */
			if (s->avail_in != 0 || off < j->in_len)
				err = -EIO;
			break;
		}
	}
	j->consumed = off - s->avail_in;
	return err;
}

/* After the end of a deflate stream: check the trailer when it is within the input. */
static void check_trailer(struct fz_engine *eng, struct fz_job *j)
{
	u8 want[8], got[8];
	u32 len = sum_trailer(&j->sum, want);

	j->status = FZ_ST_DECOMP_END | FZ_LAST_BLOCK;
	if (len == 0 || j->in_len - j->consumed < len)
		return;
	if (in_get(j, j->consumed, got, len) || memcmp(want, got, len))
		j->status = FZ_ST_CRC | FZ_LAST_BLOCK;
	j->consumed += len;
}

static void compress_stateless(struct fz_engine *eng, struct fz_job *j)
{
	z_stream s = { .workspace = eng->deflate_ws };
	u8 t[8];
	int err = -EIO;

	if (zlib_deflateInit2(&s, FZ_LEVEL, Z_DEFLATED, -j->wbits, FZ_MEM_LEVEL,
			      Z_DEFAULT_STRATEGY) == Z_OK) {
		err = deflate_run(eng, j, &s, Z_FINISH);
		zlib_deflateEnd(&s);
	}
	if (!err)
		err = out_put(j, t, sum_trailer(&j->sum, t));
	if (err) {
		j->status = err == -ENOSPC ? FZ_ST_DSTLEN : FZ_ST_DATA;
		return;
	}
	j->consumed = j->in_len;
	/* MODEL: negative compression is reported, and is a success. */
	j->status = j->produced > j->in_len ? FZ_ST_NEGACOMP : FZ_ST_OK;
}

static void decompress_stateless(struct fz_engine *eng, struct fz_job *j)
{
	z_stream s = { .workspace = eng->inflate_ws };
	bool ended = false;
	int err = -EIO;

	if (zlib_inflateInit2(&s, -MAX_WBITS) == Z_OK) {
		err = inflate_run(eng, j, &s, &ended);
		zlib_inflateEnd(&s);
	}
	if (err || !ended) {
		j->status = err == -ENOSPC ? FZ_ST_DSTLEN : FZ_ST_DATA;
		return;
	}
	check_trailer(eng, j);
}

static void stream_close(struct fz_stream *st)
{
	if (st->cookie && st->strm.workspace) {
		if (st->inflate)
			zlib_inflateEnd(&st->strm);
		else
			zlib_deflateEnd(&st->strm);
	}
	st->cookie = 0;
}

static int stream_init(struct fz_stream *st, struct fz_job *j, bool inflate)
{
	size_t ws = max_t(size_t, zlib_inflate_workspacesize(),
			  zlib_deflate_workspacesize(MAX_WBITS, FZ_MEM_LEVEL));
	int ret;

	if (!st->strm.workspace)
		st->strm.workspace = vmalloc(ws);
	if (!st->strm.workspace)
		return -ENOMEM;
	st->inflate = inflate;
	ret = inflate ? zlib_inflateInit2(&st->strm, -MAX_WBITS)
		      : zlib_deflateInit2(&st->strm, FZ_LEVEL, Z_DEFLATED, -j->wbits,
					  FZ_MEM_LEVEL, Z_DEFAULT_STRATEGY);
	return ret == Z_OK ? 0 : -EIO;
}

/*
 * The stream a stateful request belongs to: a new one for a new stream (evicting the least
 * recently used when all are taken), else the one whose tag the context buffer holds.
 */
static struct fz_stream *stream_get(struct fz_engine *eng, struct fz_job *j, bool inflate)
{
	struct fz_stream *st = &eng->streams[0];
	u32 tag[4];
	int i;

	if (!j->ctx)
		return NULL;
	if (!(j->flags & FZ_FLAG_NEW)) {
		if (copy_from_user(tag, u64_to_user_ptr(j->ctx), sizeof(tag)) ||
		    tag[0] != FZ_STREAM_MAGIC || tag[1] >= FZ_STREAMS)
			return NULL;
		st = &eng->streams[tag[1]];
		if (!st->cookie || st->cookie != ((u64)tag[3] << 32 | tag[2]) ||
		    st->inflate != inflate)
			return NULL;
		st->used = ++eng->clock;
		return st;
	}
	for (i = 0; i < FZ_STREAMS; i++) {
		if (!eng->streams[i].cookie) {
			st = &eng->streams[i];
			break;
		}
		if (eng->streams[i].used < st->used)
			st = &eng->streams[i];
	}
	stream_close(st);
	if (stream_init(st, j, inflate))
		return NULL;
	st->cookie = ++eng->next_cookie;
	st->used = ++eng->clock;
	tag[0] = FZ_STREAM_MAGIC;
	tag[1] = st - eng->streams;
	tag[2] = lower_32_bits(st->cookie);
	tag[3] = upper_32_bits(st->cookie);
	if (copy_to_user(u64_to_user_ptr(j->ctx), tag, sizeof(tag))) {
		stream_close(st);
		return NULL;
	}
	return st;
}

static void compress_stateful(struct fz_engine *eng, struct fz_job *j)
{
	bool finish = j->flags & FZ_FLAG_FINISH;
	struct fz_stream *st;
	u8 t[8];
	int err;

	if (j->cap < FZ_STATEFUL_MIN_OUT || j->cap < ((u64)j->in_len * 9 + 7) >> 3) {
		j->status = FZ_ST_DSTLEN;
		return;
	}
	st = stream_get(eng, j, false);
	if (!st) {
		j->status = FZ_ST_DATA;
		return;
	}
	err = deflate_run(eng, j, &st->strm, finish ? Z_FINISH : Z_SYNC_FLUSH);
	if (!err && finish)
		err = out_put(j, t, sum_trailer(&j->sum, t));
	if (err || finish)
		stream_close(st); /* ended, or its state is no longer consistent */
	if (err) {
		j->status = err == -ENOSPC ? FZ_ST_DSTLEN : FZ_ST_DATA;
		return;
	}
	j->consumed = j->in_len;
	j->status = FZ_ST_OK;
}

static void decompress_stateful(struct fz_engine *eng, struct fz_job *j)
{
	struct fz_stream *st = stream_get(eng, j, true);
	bool ended = false;
	int err;

	if (!st) {
		j->status = FZ_ST_DATA;
		return;
	}
	err = inflate_run(eng, j, &st->strm, &ended);
	if (err == -ENOSPC) {
		j->status = FZ_ST_OK;
		j->ctx0 = FZ_CTX_ST_NO_SPACE;
		return;
	}
	if (err || ended)
		stream_close(st);
	if (err) {
		j->status = FZ_ST_DATA;
		return;
	}
	if (ended)
		check_trailer(eng, j);
	else
		j->status = FZ_ST_OK;
}

static bool engine_ready(struct fz_engine *eng)
{
	if (!eng->in)
		eng->in = vmalloc(FZ_CHUNK);
	if (!eng->out)
		eng->out = vmalloc(FZ_CHUNK);
	if (!eng->deflate_ws)
		eng->deflate_ws = vmalloc(zlib_deflate_workspacesize(MAX_WBITS, FZ_MEM_LEVEL));
	if (!eng->inflate_ws)
		eng->inflate_ws = vmalloc(zlib_inflate_workspacesize());
	return eng->in && eng->out && eng->deflate_ws && eng->inflate_ws;
}

/* Whether this device executes this SQE at all (MODEL: else status 0x41). */
static bool sqe_supported(const struct fz_request *req, const struct fz_job *j)
{
	u32 type = FZ_SQE_TYPE(j->flags), alg9 = req->dw[FZ_DW_ALG];
	u32 buf_type = (alg9 >> 8) & 0xf, window = (alg9 >> 12) & 0xf;

	if (buf_type != 0 || window > 4)
		return false;
	if (req->v3)
		return type == 3 && j->alg >= FZ_ALG_DEFLATE && j->alg <= FZ_ALG_GZIP;
	return type == 0 && (j->alg == FZ_ALG_ZLIB || j->alg == FZ_ALG_GZIP);
}

static void job_init(struct fz_job *j, const struct fz_request *req)
{
	const u32 *dw = req->dw;
	bool fresh = !(dw[FZ_DW_FLAGS] & FZ_FLAG_STATEFUL) || (dw[FZ_DW_FLAGS] & FZ_FLAG_NEW);
	static const int wbits[] = { 12, 13, 14, 15, 15 }; /* 4K, 8K, 16K, 24K (→32K), 32K */

	memset(j, 0, sizeof(*j));
	j->flags = dw[FZ_DW_FLAGS];
	j->alg = dw[FZ_DW_ALG] & 0xff;
	j->in_len = dw[FZ_DW_IN_LEN];
	j->cap = dw[FZ_DW_OUT_CAP];
	j->src = (u64)dw[FZ_DW_SRC_HI] << 32 | dw[FZ_DW_SRC_LO];
	j->dst = (u64)dw[FZ_DW_DST_HI] << 32 | dw[FZ_DW_DST_LO];
	j->ctx = (u64)dw[FZ_DW_CTX_HI] << 32 | dw[FZ_DW_CTX_LO];
	j->wbits = wbits[min_t(u32, (dw[FZ_DW_ALG] >> 12) & 0xf, 4)];
	sum_start(&j->sum, j->alg, fresh, dw[FZ_DW_ISIZE], dw[FZ_DW_CHECKSUM]);
}

/**
 * fz_engine_run() - execute one SQE and write its results into req->dw.
 * @eng: the queue's engine state.
 * @req: the SQE as submitted; on return, with the words the device writes back.
 */
void fz_engine_run(struct fz_engine *eng, struct fz_request *req)
{
	bool stateful = req->dw[FZ_DW_FLAGS] & FZ_FLAG_STATEFUL;
	struct fz_job j;

	job_init(&j, req);
	if (!engine_ready(eng) || !sqe_supported(req, &j))
		j.status = FZ_ST_DATA;
	else if (j.in_len > FZ_MAX_INPUT)
		j.status = FZ_ST_DSTLEN;
	else if (req->dir == FZ_DIR_COMPRESS)
		(stateful ? compress_stateful : compress_stateless)(eng, &j);
	else
		(stateful ? decompress_stateful : decompress_stateless)(eng, &j);

	if (j.status == FZ_ST_DSTLEN || j.status == FZ_ST_DATA) {
		/* Nothing consumed; the stream's running words stay as they were. */
		j.consumed = 0;
		j.produced = 0;
		j.sum.isize = req->dw[FZ_DW_ISIZE];
		j.sum.alg = 0;
	}
	req->dw[FZ_DW_CONSUMED] = j.consumed;
	req->dw[FZ_DW_PRODUCED] = j.produced;
	req->dw[FZ_DW_STATUS] = j.status;
	req->dw[FZ_DW_CTX0] = j.ctx0;
	req->dw[FZ_DW_CTX1] = 0;
	req->dw[FZ_DW_CTX2] = 0;
	req->dw[FZ_DW_ISIZE] = j.sum.isize;
	if (j.sum.alg)
		req->dw[FZ_DW_CHECKSUM] = sum_dw31(&j.sum);
}

/**
 * fz_engine_free() - release every stream and buffer of a queue's engine.
 * @eng: the engine; the worker must not be running.
 */
void fz_engine_free(struct fz_engine *eng)
{
	int i;

	for (i = 0; i < FZ_STREAMS; i++) {
		stream_close(&eng->streams[i]);
		vfree(eng->streams[i].strm.workspace);
	}
	vfree(eng->in);
	vfree(eng->out);
	vfree(eng->deflate_ws);
	vfree(eng->inflate_ws);
	memset(eng, 0, sizeof(*eng));
}
