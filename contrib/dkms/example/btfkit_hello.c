// SPDX-License-Identifier: GPL-2.0
/* A small out-of-tree module for the DKMS hook's test: it uses kernel
 * types by pointer (sk_buff, net_device, file), embeds one (list_head) and
 * has a type of its own, so its split BTF has all three kinds of reference. */
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

struct btfkit_hello_entry {
	struct list_head node;
	struct net_device *dev;
	unsigned int seen;
};

static LIST_HEAD(btfkit_hello_list);

noinline int btfkit_hello_count(struct sk_buff *skb, struct btfkit_hello_entry *e)
{
	e->seen += skb ? skb->len : 0;
	return e->seen;
}
EXPORT_SYMBOL_GPL(btfkit_hello_count);

noinline loff_t btfkit_hello_pos(struct file *f)
{
	return f ? f->f_pos : 0;
}
EXPORT_SYMBOL_GPL(btfkit_hello_pos);

static int __init btfkit_hello_init(void)
{
	return list_empty(&btfkit_hello_list) ? 0 : -EINVAL;
}

static void __exit btfkit_hello_exit(void)
{
}

module_init(btfkit_hello_init);
module_exit(btfkit_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("btfkit's DKMS hook example");
