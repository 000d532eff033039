/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP connection state from the flags alone (no sequence tracking; that is the stream
 * library's job): enough to pick the right timeout and to report how a connection ended.
 */
#include "flow_priv.h"

/*
 * Transitions, per packet in direction @p dir (relative to the client):
 *   NONE     --SYN (to server)-------------> SYN_SENT   (flow picked up at its SYN)
 *   NONE     --SYN+ACK (to client)---------> SYN_RECV   (flow picked up at the SYN+ACK)
 *   SYN_SENT --SYN+ACK (to client)---------> SYN_RECV
 *   SYN_RECV --ACK (to server)-------------> ESTABLISHED (+HANDSHAKE when the SYN was seen)
 *   NONE (midstream) --packets both ways---> ESTABLISHED
 *   any but CLOSED/RESET --FIN-------------> CLOSING, or CLOSED once both sides sent one
 *   any --RST------------------------------> RESET
 * A midstream flow stays in NONE (with WT_FLOW_F_MIDSTREAM) until it sees both directions.
 */
void
wt_flow_tcp_track(struct wt_flow *f, uint8_t dir, uint8_t tf)
{
	uint8_t st = f->state;

	f->tcp_flags[dir] |= tf;
	if (tf & WT_TCP_RST) {
		f->state = WT_TCP_STATE_RESET;
		f->flags |= WT_FLOW_F_RST;
		return;
	}
	if (st == WT_TCP_STATE_RESET || st == WT_TCP_STATE_CLOSED)
		return;

	if (tf & WT_TCP_SYN) {
		if (!(tf & WT_TCP_ACK)) {
			if (st == WT_TCP_STATE_NONE && dir == WT_DIR_TOSERVER &&
			    !(f->flags & WT_FLOW_F_MIDSTREAM)) {
				st = WT_TCP_STATE_SYN_SENT;
				f->flags |= WT_FLOW_F_SYN_SEEN;
			}
		} else if (dir == WT_DIR_TOCLIENT &&
			   (st == WT_TCP_STATE_SYN_SENT ||
			    (st == WT_TCP_STATE_NONE && !(f->flags & WT_FLOW_F_MIDSTREAM)))) {
			st = WT_TCP_STATE_SYN_RECV;
		}
	} else if ((tf & WT_TCP_ACK) && st == WT_TCP_STATE_SYN_RECV && dir == WT_DIR_TOSERVER) {
		st = WT_TCP_STATE_ESTABLISHED;
		if (f->flags & WT_FLOW_F_SYN_SEEN)
			f->flags |= WT_FLOW_F_HANDSHAKE;
	}
	if (st == WT_TCP_STATE_NONE && (f->flags & WT_FLOW_F_MIDSTREAM) &&
	    f->pkts[WT_DIR_TOSERVER] != 0 && f->pkts[WT_DIR_TOCLIENT] != 0)
		st = WT_TCP_STATE_ESTABLISHED;

	if (tf & WT_TCP_FIN) {
		f->flags |= dir == WT_DIR_TOSERVER ? WT_FLOW_F_FIN_CLIENT : WT_FLOW_F_FIN_SERVER;
		if ((f->flags & (WT_FLOW_F_FIN_CLIENT | WT_FLOW_F_FIN_SERVER)) ==
		    (WT_FLOW_F_FIN_CLIENT | WT_FLOW_F_FIN_SERVER))
			st = WT_TCP_STATE_CLOSED;
		else
			st = WT_TCP_STATE_CLOSING;
	}
	f->state = st;
}
