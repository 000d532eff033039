/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Seeds the decoder fuzz corpus: writes every packet of the given captures (pcap or pcapng) to
 * OUTDIR/<capture>-<n>, prefixed with the 2-byte "no split" header fuzz_decode.c expects.
 * usage: pcap_split OUTDIR CAPTURE...
 */
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

int
main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE], path[4096];
	unsigned int total = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OUTDIR CAPTURE...\n", argv[0]);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		struct pcap_pkthdr *h;
		const u_char *d;
		unsigned int n = 0;
		pcap_t *pc = pcap_open_offline(argv[i], err);

		if (pc == NULL) {
			fprintf(stderr, "pcap_split: %s\n", err);
			return 1;
		}
		while (pcap_next_ex(pc, &h, &d) == 1) {
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s-%u", argv[1], basename(argv[i]), n++);
			f = fopen(path, "wb");
			if (f == NULL || fwrite("\xff\xff", 1, 2, f) != 2 ||
			    fwrite(d, 1, h->caplen, f) != h->caplen || fclose(f) != 0) {
				perror(path);
				return 1;
			}
		}
		pcap_close(pc);
		total += n;
	}
	printf("pcap_split: %u packets from %d captures\n", total, argc - 2);
	return 0;
}
