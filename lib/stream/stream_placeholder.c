/* placeholder until the library lands */
int wt_stream_placeholder;
