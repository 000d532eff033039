/* placeholder until the library lands */
int wt_flow_placeholder;
