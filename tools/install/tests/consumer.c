// SPDX-License-Identifier: BSD-3-Clause
/*
 * A program built outside Bazel against the installed gunyah-devices and
 * gunyah-uapi (`cc consumer.c $(pkg-config --cflags --libs gunyah-devices
 * gunyah-uapi)`): a PL011 model prints through a byte-buffer backend, and the
 * UAPI header gives the run page's layout. Exit 0 and "ok" when both work.
 */
#include <stdio.h>
#include <string.h>

#include <gunyah/devices/pl011.h>
#include <linux/gunyah.h>

static char out[64];
static size_t out_len;

static void tx(void *ctx, const uint8_t *buf, size_t len)
{
	(void)ctx;
	if (len > sizeof(out) - 1 - out_len)
		len = sizeof(out) - 1 - out_len;
	memcpy(out + out_len, buf, len);
	out_len += len;
}

static const struct gh_chardev_ops chr = { .write = tx };

int main(void)
{
	const struct gh_pl011_config cfg = { .chr = &chr, .flags = GH_PL011_F_TX_WHEN_DISABLED };
	struct gh_pl011 *uart;
	const char *msg = "hello from an installed PL011";

	if (gh_pl011_create(&cfg, &uart))
		return 1;
	for (const char *p = msg; *p; p++)
		gh_pl011_write(uart, 0 /* DR */, 4, (unsigned char)*p);
	gh_pl011_destroy(uart);
	printf("%s\n", out);
	if (strcmp(out, msg))
		return 1;
	if (sizeof(struct gh_vcpu_run) != 272 || GH_VCPU_RUN != 0x4705)
		return 1;
	printf("ok\n");
	return 0;
}
