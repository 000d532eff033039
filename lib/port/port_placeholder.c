/* placeholder until the library lands */
int wt_port_placeholder;
