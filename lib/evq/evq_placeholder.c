/* placeholder until the library lands */
int wt_evq_placeholder;
