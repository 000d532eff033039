/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cross-field checks: rules that involve more than one key (lcore lists, outputs), run after
 * every source (file, --set) was applied. Single-key rules live in the option table instead.
 */
#include <string.h>

#include "conf_priv.h"

static int
line_of_key(const struct conf_lines *ln, const char *key)
{
	const struct conf_opt *o = conf_opt_find(conf_opts, conf_n_opts, key);

	return ln != NULL && o != NULL ? ln->line[conf_opt_index(o)] : 0;
}

struct lcore_list {
	const char *key;
	const uint16_t *ids;
	int n;
	int cap;
};

int
conf_validate(const struct wt_conf *c, const char *src, const struct conf_lines *ln,
	      struct conf_err *e)
{
	const struct lcore_list lists[] = {
		{ "threading.rx-lcores", c->rx_lcores, c->n_rx_lcores,
		  (int)WT_ARRAY_SIZE(c->rx_lcores) },
		{ "threading.worker-lcores", c->worker_lcores, c->n_worker_lcores,
		  (int)WT_ARRAY_SIZE(c->worker_lcores) },
		{ "threading.exporter-lcores", c->exporter_lcores, c->n_exporter_lcores,
		  (int)WT_ARRAY_SIZE(c->exporter_lcores) },
	};
	const char *owner[128] = { NULL };
	int before = e->count;

	for (size_t l = 0; l < WT_ARRAY_SIZE(lists); l++) {
		const struct lcore_list *L = &lists[l];
		int line = line_of_key(ln, L->key);

		if (L->n < 0 || L->n > L->cap) {
			conf_err_add(e, src, line, L->key, "at most %d lcores (got %d)", L->cap, L->n);
			continue;
		}
		for (int i = 0; i < L->n; i++) {
			uint16_t id = L->ids[i];

			if (id >= WT_ARRAY_SIZE(owner)) {
				conf_err_add(e, src, line, L->key,
					     "lcore id must be between 0 and %zu (got %u)",
					     WT_ARRAY_SIZE(owner) - 1, id);
			} else if (owner[id] == L->key) {
				conf_err_add(e, src, line, L->key, "lcore %u is listed twice", id);
			} else if (owner[id] != NULL) {
				/* Point at whichever of the two lists the file actually names. */
				int oline = line_of_key(ln, owner[id]);

				if (line == 0 && oline > 0)
					conf_err_add(e, src, oline, owner[id],
						     "lcore %u is also in '%s'", id, L->key);
				else
					conf_err_add(e, src, line, L->key,
						     "lcore %u is also in '%s'", id, owner[id]);
			} else {
				owner[id] = L->key;
			}
		}
	}
	if (c->n_worker_lcores == 0)
		conf_err_add(e, src, line_of_key(ln, "threading.worker-lcores"),
			     "threading.worker-lcores", "at least one worker lcore is required");
	if (c->n_exporter_lcores == 0)
		conf_err_add(e, src, line_of_key(ln, "threading.exporter-lcores"),
			     "threading.exporter-lcores", "at least one exporter lcore is required");
	if (!c->out_kafka_enabled && !c->out_file_enabled) {
		int l1 = line_of_key(ln, "outputs.kafka.enabled");
		int l2 = line_of_key(ln, "outputs.file.enabled");

		conf_err_add(e, src, WT_MAX(l1, l2), "outputs",
			     "no output enabled (outputs.kafka.enabled and outputs.file.enabled are "
			     "both false)");
	}
	if (c->out_file_enabled && c->out_file_path[0] == '\0')
		conf_err_add(e, src, line_of_key(ln, "outputs.file.enabled"), "outputs.file.path",
			     "required when outputs.file.enabled is true");
	return e->count > before ? -1 : 0;
}
