/* SPDX-License-Identifier: BSD-3-Clause */
/* The audit subcommands of the wiretrail binary (app/wiretrail_audit.c). */
#ifndef WIRETRAIL_AUDIT_H
#define WIRETRAIL_AUDIT_H

/**
 * `wiretrail keygen DIR`: argv[0] is "keygen". Writes DIR/audit.key (0600) and DIR/audit.pub.
 * @return the process exit status: 0 done, 1 failed, 2 usage.
 */
int wt_app_keygen(int argc, char **argv);

/**
 * `wiretrail verify --pub FILE [--live] [--no-order] (--brokers ADDR [--topics T1,T2] |
 * FILE.json...)`: argv[0] is "verify".
 * @return the process exit status: 0 clean, 1 problems found, 2 usage or input error.
 */
int wt_app_verify(int argc, char **argv);

#endif /* WIRETRAIL_AUDIT_H */
