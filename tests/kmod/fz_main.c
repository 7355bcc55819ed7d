// SPDX-License-Identifier: GPL-2.0
/*
 * fake_hisi_zip: HiSilicon ZIP devices that exist only in software, registered with the
 * real uacce core so that user space (wd's tests) exercises the kernel's open, mmap, ioctl,
 * poll and release paths exactly as with hisi_zip.
 *
 * One platform device per entry of hw_versions, each registered with uacce as "hisi_zip"
 * (api hisi_qm_v2 or hisi_qm_v3) with flags 0: there is no IOMMU, so no SVA, and wd accepts
 * the device only when told it is a test device (WD_TEST_DEVICES). The uacce ops mirror
 * drivers/crypto/hisilicon/qm.c of Linux 6.1 (hisi_qm_uacce_*): queue allocation with
 * idr_alloc_cyclic and EBUSY when all are taken, the DUS and MMIO size checks, SET_QP_CTX
 * and SET_QP_INFO, and a kernel-side CQ tracker behind poll().
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sched/mm.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <uapi/misc/uacce/hisi_qm.h>

#include "fz.h"

#define FZ_NAME "fake_hisi_zip"
#define FZ_MAX_DEVICES 4

static int hw_versions[FZ_MAX_DEVICES] = { 2, 3 };
static int nr_hw_versions = 2;
module_param_array(hw_versions, int, &nr_hw_versions, 0444);
MODULE_PARM_DESC(hw_versions,
		 "one device per entry: 2 = hisi_qm_v2 (zlib, gzip), 3 = hisi_qm_v3 (zlib, gzip, deflate)");

static uint pf_q_num = 64;
module_param(pf_q_num, uint, 0444);
MODULE_PARM_DESC(pf_q_num, "queues per device, 1-1024 (hisi_zip's default: 64)");

static struct platform_device *fz_pdevs[FZ_MAX_DEVICES];

static int fz_get_available_instances(struct uacce_device *uacce)
{
	struct fz_dev *fd = uacce->priv;
	int n;

	mutex_lock(&fd->lock);
	n = fd->qp_num - fd->qp_in_use;
	mutex_unlock(&fd->lock);
	return n;
}

/* Queue memory is allocated on first use and kept: like hisi_qm's, the SQ is never zeroed. */
static int fz_qp_memory(struct fz_qp *qp)
{
	if (!qp->dus)
		qp->dus = vmalloc_user(FZ_DUS_SIZE);
	if (!qp->mmio)
		qp->mmio = vmalloc_user(FZ_MMIO_SIZE);
	return qp->dus && qp->mmio ? 0 : -ENOMEM;
}

static int fz_get_queue(struct uacce_device *uacce, unsigned long pasid, struct uacce_queue *q)
{
	struct fz_dev *fd = uacce->priv;
	struct fz_qp *qp;
	int id, ret;

	mutex_lock(&fd->lock);
	id = fd->qp_in_use == fd->qp_num ? -ENOSPC
		: idr_alloc_cyclic(&fd->qp_idr, NULL, 0, fd->qp_num, GFP_KERNEL);
	if (id < 0) {
		dev_info_ratelimited(fd->parent, "All %u queues of QM are busy!\n", fd->qp_num);
		mutex_unlock(&fd->lock);
		return -EBUSY;
	}
	qp = &fd->qps[id];
	ret = fz_qp_memory(qp);
	if (ret) {
		idr_remove(&fd->qp_idr, id);
		mutex_unlock(&fd->lock);
		return ret;
	}
	/* As qm_create_qp_nolock(): clear the status words and zero the CQ. */
	*fz_ds_tx(qp) = 0;
	*fz_ds_rx(qp) = 0;
	memset(fz_cqe(qp, 0), 0, FZ_CQ_BYTES);
	qp->qc_type = FZ_DIR_COMPRESS;
	qp->dead = false;
	qp->uq = q;
	mmgrab(current->mm);
	qp->mm = current->mm;
	q->priv = qp;
	fd->qp_in_use++;
	mutex_unlock(&fd->lock);
	return 0;
}

static void fz_put_queue(struct uacce_queue *q)
{
	struct fz_qp *qp = q->priv;
	struct fz_dev *fd = qp->dev;

	fz_queue_stop(qp);
	fz_engine_free(&qp->eng);
	mmdrop(qp->mm);
	qp->mm = NULL;
	mutex_lock(&fd->lock);
	idr_remove(&fd->qp_idr, qp->id);
	fd->qp_in_use--;
	mutex_unlock(&fd->lock);
}

static int fz_start_queue(struct uacce_queue *q)
{
	return fz_queue_start(q->priv);
}

static void fz_stop_queue(struct uacce_queue *q)
{
	fz_queue_stop(q->priv);
}

static int fz_is_q_updated(struct uacce_queue *q)
{
	return fz_queue_updated(q->priv);
}

/* The size checks of hisi_qm_uacce_mmap(): DUS exactly, MMIO at most the doorbell pages. */
static int fz_mmap(struct uacce_queue *q, struct vm_area_struct *vma,
		   struct uacce_qfile_region *qfr)
{
	struct fz_qp *qp = q->priv;
	size_t sz = vma->vm_end - vma->vm_start;

	switch (qfr->type) {
	case UACCE_QFRT_MMIO:
		if (sz > FZ_MMIO_SIZE)
			return -EINVAL;
		return remap_vmalloc_range(vma, qp->mmio, 0);
	case UACCE_QFRT_DUS:
		if (sz != FZ_DUS_SIZE)
			return -EINVAL;
		return remap_vmalloc_range(vma, qp->dus, 0);
	default:
		return -EINVAL;
	}
}

/* hisi_qm_uacce_ioctl() of 6.1: qc_type must be 0 or 1; everything else is EINVAL. */
static long fz_ioctl(struct uacce_queue *q, unsigned int cmd, unsigned long arg)
{
	struct fz_qp *qp = q->priv;
	void __user *uarg = (void __user *)arg;

	if (cmd == UACCE_CMD_QM_SET_QP_CTX) {
		struct hisi_qp_ctx ctx;

		if (copy_from_user(&ctx, uarg, sizeof(ctx)))
			return -EFAULT;
		if (ctx.qc_type != FZ_DIR_COMPRESS && ctx.qc_type != FZ_DIR_DECOMPRESS)
			return -EINVAL;
		qp->qc_type = ctx.qc_type;
		ctx.id = qp->id;
		return copy_to_user(uarg, &ctx, sizeof(ctx)) ? -EFAULT : 0;
	}
	if (cmd == UACCE_CMD_QM_SET_QP_INFO) {
		struct hisi_qp_info info;

		if (copy_from_user(&info, uarg, sizeof(info)))
			return -EFAULT;
		info.sqe_size = FZ_SQE_SIZE;
		info.sq_depth = FZ_SQ_DEPTH;
		info.cq_depth = FZ_CQ_DEPTH;
		return copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	}
	return -EINVAL;
}

static const struct uacce_ops fz_uacce_ops = {
	.get_available_instances = fz_get_available_instances,
	.get_queue = fz_get_queue,
	.put_queue = fz_put_queue,
	.start_queue = fz_start_queue,
	.stop_queue = fz_stop_queue,
	.mmap = fz_mmap,
	.ioctl = fz_ioctl,
	.is_q_updated = fz_is_q_updated,
};

/* PCI parents have numa_node; a platform device does not, so the fake adds it. */
static ssize_t numa_node_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_node(dev));
}
static DEVICE_ATTR_RO(numa_node);

static struct attribute *fz_attrs[] = {
	&dev_attr_numa_node.attr,
	NULL,
};
ATTRIBUTE_GROUPS(fz);

static void fz_free_queues(struct fz_dev *fd)
{
	u32 i;

	for (i = 0; i < fd->qp_num; i++) {
		vfree(fd->qps[i].dus);
		vfree(fd->qps[i].mmio);
	}
	idr_destroy(&fd->qp_idr);
}

static int fz_probe(struct platform_device *pdev)
{
	struct uacce_interface iface = { .name = "hisi_zip", .flags = 0, .ops = &fz_uacce_ops };
	const int *version = dev_get_platdata(&pdev->dev);
	struct uacce_device *uacce;
	struct fz_dev *fd;
	u32 i;
	int ret;

	fd = devm_kzalloc(&pdev->dev, sizeof(*fd), GFP_KERNEL);
	if (!fd)
		return -ENOMEM;
	fd->qps = devm_kcalloc(&pdev->dev, pf_q_num, sizeof(*fd->qps), GFP_KERNEL);
	if (!fd->qps)
		return -ENOMEM;
	fd->parent = &pdev->dev;
	fd->hw_version = *version;
	fd->qp_num = pf_q_num;
	mutex_init(&fd->lock);
	idr_init(&fd->qp_idr);
	for (i = 0; i < pf_q_num; i++) {
		fd->qps[i].dev = fd;
		fd->qps[i].id = i;
		spin_lock_init(&fd->qps[i].task_lock);
		spin_lock_init(&fd->qps[i].poll_lock);
	}

	uacce = uacce_alloc(&pdev->dev, &iface);
	if (IS_ERR(uacce))
		return PTR_ERR(uacce);
	uacce->priv = fd;
	uacce->api_ver = fd->hw_version == 2 ? HISI_QM_API_VER2_BASE : HISI_QM_API_VER3_BASE;
	uacce->algs = fd->hw_version == 2 ? "zlib\ngzip" : "zlib\ngzip\ndeflate";
	uacce->qf_pg_num[UACCE_QFRT_MMIO] = FZ_MMIO_PAGES;
	uacce->qf_pg_num[UACCE_QFRT_DUS] = FZ_DUS_SIZE >> PAGE_SHIFT;
	fd->uacce = uacce;
	ret = uacce_register(uacce);
	if (ret) {
		uacce_remove(uacce);
		return ret;
	}
	platform_set_drvdata(pdev, fd);
	dev_info(&pdev->dev, "%s: %s, %u queues, flags %u (no SVA: a test device)\n",
		 dev_name(&uacce->dev), uacce->api_ver, fd->qp_num, uacce->flags);
	return 0;
}

static int fz_remove(struct platform_device *pdev)
{
	struct fz_dev *fd = platform_get_drvdata(pdev);

	uacce_remove(fd->uacce); /* puts every open queue */
	fz_free_queues(fd);
	return 0;
}

static struct platform_driver fz_driver = {
	.probe = fz_probe,
	.remove = fz_remove,
	.driver = {
		.name = FZ_NAME,
		.dev_groups = fz_groups,
	},
};

static void fz_unregister(void)
{
	int i;

	for (i = FZ_MAX_DEVICES - 1; i >= 0; i--) {
		if (!IS_ERR_OR_NULL(fz_pdevs[i]))
			platform_device_unregister(fz_pdevs[i]);
		fz_pdevs[i] = NULL;
	}
	platform_driver_unregister(&fz_driver);
}

static int __init fz_init(void)
{
	int i, ret;

	if (pf_q_num < 1 || pf_q_num > FZ_SQ_DEPTH)
		return -EINVAL;
	for (i = 0; i < nr_hw_versions; i++)
		if (hw_versions[i] != 2 && hw_versions[i] != 3)
			return -EINVAL;
	ret = platform_driver_register(&fz_driver);
	if (ret)
		return ret;
	for (i = 0; i < nr_hw_versions; i++) {
		fz_pdevs[i] = platform_device_register_data(NULL, FZ_NAME, i, &hw_versions[i],
							    sizeof(hw_versions[i]));
		ret = PTR_ERR_OR_ZERO(fz_pdevs[i]);
		if (!ret && !platform_get_drvdata(fz_pdevs[i]))
			ret = -ENODEV; /* probe failed; its reason is in the log */
		if (ret) {
			fz_unregister();
			return ret;
		}
	}
	return 0;
}

static void __exit fz_exit(void)
{
	fz_unregister();
}

module_init(fz_init);
module_exit(fz_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Fake HiSilicon ZIP devices behind the uacce core, for testing wd");
MODULE_SOFTDEP("pre: uacce");
