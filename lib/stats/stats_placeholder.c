/* placeholder until the library lands */
int wt_stats_placeholder;
