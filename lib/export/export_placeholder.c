/* placeholder until the library lands */
int wt_export_placeholder;
