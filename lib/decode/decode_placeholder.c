/* placeholder until the library lands */
int wt_decode_placeholder;
