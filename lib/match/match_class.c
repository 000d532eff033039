/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * classification.config (Suricata format: "config classification: name,description,priority")
 * gives each classtype its category text and default priority (the alert's severity).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match_priv.h"

void
match_class_free(struct match_class *c, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		free(c[i].name);
		free(c[i].desc);
	}
	free(c);
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * Load @p path. @return 0, -errno when the file cannot be read, or -EINVAL with
 * "path:line: reason" in @p why.
 */
int
match_class_load(const char *path, struct match_class **out, uint32_t *n, char *why,
		 size_t whylen)
{
	static const char tag[] = "config classification:";
	FILE *f = fopen(path, "r");
	struct match_class *v = NULL;
	uint32_t cnt = 0, cap = 0, line = 0;
	char buf[1024];

	if (!f) {
		int e = errno;

		snprintf(why, whylen, "%s: %s", path, strerror(e));
		return -e;
	}
	while (fgets(buf, sizeof(buf), f)) {
		char *s = trim(buf), *c1, *c2, *endp;
		long prio;

		line++;
		if (*s == '\0' || *s == '#')
			continue;
		if (strncmp(s, tag, sizeof(tag) - 1) != 0)
			goto bad;
		s = trim(s + sizeof(tag) - 1);
		c1 = strchr(s, ',');
		c2 = c1 ? strrchr(c1 + 1, ',') : NULL;
		if (!c1 || !c2)
			goto bad;
		*c1 = *c2 = '\0';
		prio = strtol(trim(c2 + 1), &endp, 10);
		if (*trim(s) == '\0' || *endp || prio < 1 || prio > 255)
			goto bad;
		if (cnt == cap) {
			struct match_class *nv;

			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				goto nomem;
			v = nv;
		}
		v[cnt].name = strdup(trim(s));
		v[cnt].desc = strdup(trim(c1 + 1));
		v[cnt].priority = (uint32_t)prio;
		cnt++;
		if (!v[cnt - 1].name || !v[cnt - 1].desc)
			goto nomem;
	}
	fclose(f);
	*out = v;
	*n = cnt;
	return 0;
bad:
	snprintf(why, whylen, "%s:%u: expected 'config classification: name,description,priority'",
		 path, line);
	fclose(f);
	match_class_free(v, cnt);
	return -EINVAL;
nomem:
	snprintf(why, whylen, "%s: out of memory", path);
	fclose(f);
	match_class_free(v, cnt);
	return -ENOMEM;
}
