/* SPDX-License-Identifier: BSD-3-Clause */
/* Starts the EAL from the config's argument list and counts finite pcap inputs, so an offline
 * replay can tell "the file is done" from "the wire is quiet". */
#include <errno.h>
#include <string.h>

#include <pcap/pcap.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "wt_port.h"

int
wt_port_eal_init(const struct wt_conf *c, const char *prog)
{
	char *argv[WT_CONF_MAX_EAL_ARGS + 2];
	int argc = 0, rc;

	argv[argc++] = (char *)(uintptr_t)prog;
	for (int i = 0; i < c->n_eal_args; i++)
		argv[argc++] = c->eal_args[i];
	argv[argc] = NULL;
	rc = rte_eal_init(argc, argv);
	if (rc < 0)
		return -(rte_errno ? rte_errno : EINVAL);
	return 0;
}

int64_t
wt_port_pcap_count(const char *path, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	int64_t n = 0;
	pcap_t *p;
	int rc;

	p = pcap_open_offline(path, ebuf);
	if (p == NULL) {
		snprintf(err, errlen, "%s: %s", path, ebuf);
		return -1;
	}
	while ((rc = pcap_next_ex(p, &h, &data)) == 1)
		n++;
	if (rc == PCAP_ERROR) {
		/* The PMD stops at the same point; count what it will deliver. */
		WT_WARN("%s: read error after %lld packets: %s", path, (long long)n, pcap_geterr(p));
	}
	pcap_close(p);
	return n;
}
