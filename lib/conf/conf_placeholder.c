/* placeholder until the library lands */
int wt_conf_placeholder;
