/* placeholder until the library lands */
int wt_http_placeholder;
