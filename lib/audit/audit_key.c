/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ed25519 keys for checkpoints (OpenSSL EVP): key pair generation, loading with the
 * permission checks an unattended service needs (the private key is refused unless only its
 * owner, the service user, can read it), signing and verifying.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "audit_priv.h"

struct wt_audit_key {
	EVP_PKEY *pkey;
	int private;
	char id[17];
};

static void
ossl_err(char *err, size_t errlen, const char *what)
{
	char e[256];
	unsigned long code = ERR_get_error();

	ERR_error_string_n(code, e, sizeof(e));
	snprintf(err, errlen, "%s: %s", what, code ? e : "unknown OpenSSL error");
	ERR_clear_error();
}

int
audit_key_raw_pub(const struct wt_audit_key *k, uint8_t out[32])
{
	size_t n = 32;

	if (EVP_PKEY_get_raw_public_key(k->pkey, out, &n) != 1 || n != 32)
		return -EINVAL;
	return 0;
}

static struct wt_audit_key *
key_wrap(EVP_PKEY *pkey, int private, char *err, size_t errlen)
{
	struct wt_audit_key *k;
	uint8_t raw[32], h[32];
	unsigned int hl = 0;

	if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(pkey);
		snprintf(err, errlen, "not an Ed25519 key");
		errno = EINVAL;
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		EVP_PKEY_free(pkey);
		snprintf(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	k->pkey = pkey;
	k->private = private;
	if (audit_key_raw_pub(k, raw) != 0 || EVP_Digest(raw, 32, h, &hl, EVP_sha256(), NULL) != 1) {
		wt_audit_key_free(k);
		snprintf(err, errlen, "cannot read the public key");
		errno = EINVAL;
		return NULL;
	}
	audit_hex(k->id, h, 8);
	k->id[16] = '\0';
	return k;
}

/* Write @p pkey as PEM into a new file (O_EXCL) with @p mode. */
static int
pem_write(const char *path, EVP_PKEY *pkey, int private, unsigned int mode, char *err,
	  size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	BIO *bio;
	int ok;

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (fchmod(fd, mode) != 0) { /* umask may have removed bits we want (0644 pub) */
		int e = errno;

		close(fd);
		unlink(path);
		snprintf(err, errlen, "%s: chmod: %s", path, strerror(e));
		return -e;
	}
	bio = BIO_new_fd(fd, BIO_NOCLOSE);
	ok = bio != NULL &&
	     (private ? PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL) :
			PEM_write_bio_PUBKEY(bio, pkey)) == 1 &&
	     BIO_flush(bio) == 1;
	BIO_free(bio);
	if (!ok) {
		ossl_err(err, errlen, path);
		close(fd);
		unlink(path);
		return -EIO;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		int e = errno;

		unlink(path);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	return 0;
}

int
wt_audit_keygen(const char *dir, char *err, size_t errlen)
{
	char kpath[PATH_MAX], ppath[PATH_MAX];
	EVP_PKEY *pkey;
	int rc;

	if (snprintf(kpath, sizeof(kpath), "%s/audit.key", dir) >= (int)sizeof(kpath) ||
	    snprintf(ppath, sizeof(ppath), "%s/audit.pub", dir) >= (int)sizeof(ppath)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	if (access(kpath, F_OK) == 0 || access(ppath, F_OK) == 0) {
		snprintf(err, errlen, "%s or %s exists: not overwriting a key", kpath, ppath);
		return -EEXIST;
	}
	rc = audit_mkdir_p(dir, 0700);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", dir, strerror(-rc));
		return rc;
	}
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (pkey == NULL) {
		ossl_err(err, errlen, "Ed25519 key generation");
		return -EIO;
	}
	rc = pem_write(kpath, pkey, 1, 0600, err, errlen);
	if (rc == 0) {
		rc = pem_write(ppath, pkey, 0, 0644, err, errlen);
		if (rc != 0)
			unlink(kpath);
	}
	EVP_PKEY_free(pkey);
	if (rc == 0)
		rc = audit_fsync_dir(dir);
	return rc;
}

static FILE *
key_open(const char *path, int private, char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0) {
		int e = errno;

		if (e == ELOOP)
			snprintf(err, errlen, "%s: is a symbolic link; give the key file itself",
				 path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if (private && st.st_uid != geteuid()) {
		snprintf(err, errlen,
			 "%s: private key is owned by uid %u, not by the service user (uid %u); "
			 "refusing to use it (chown it to the user wiretrail runs as)",
			 path, (unsigned int)st.st_uid, (unsigned int)geteuid());
		close(fd);
		errno = EPERM;
		return NULL;
	}
	if (private && (st.st_mode & 077) != 0) {
		snprintf(err, errlen,
			 "%s: private key has mode %04o; it must be 0600 (no group or other "
			 "access): chmod 600 %s",
			 path, (unsigned int)(st.st_mode & 07777), path);
		close(fd);
		errno = EPERM;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (f == NULL) {
		int e = errno;

		close(fd);
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
	}
	return f;
}

struct wt_audit_key *
wt_audit_key_load_private(const char *path, char *err, size_t errlen)
{
	FILE *f = key_open(path, 1, err, errlen);
	EVP_PKEY *pkey;
	struct wt_audit_key *k;

	if (f == NULL)
		return NULL;
	pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL) {
		ossl_err(err, errlen, path);
		errno = EINVAL;
		return NULL;
	}
	k = key_wrap(pkey, 1, err, errlen);
	if (k == NULL) {
		char m[256];

		snprintf(m, sizeof(m), "%s", err);
		snprintf(err, errlen, "%s: %s", path, m);
	}
	return k;
}

struct wt_audit_key *
wt_audit_key_load_public(const char *path, char *err, size_t errlen)
{
	FILE *f = key_open(path, 0, err, errlen);
	EVP_PKEY *pkey;
	struct wt_audit_key *k;

	if (f == NULL)
		return NULL;
	pkey = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	if (pkey == NULL) {
		ossl_err(err, errlen, path);
		errno = EINVAL;
		return NULL;
	}
	k = key_wrap(pkey, 0, err, errlen);
	if (k == NULL) {
		char m[256];

		snprintf(m, sizeof(m), "%s", err);
		snprintf(err, errlen, "%s: %s", path, m);
	}
	return k;
}

void
wt_audit_key_free(struct wt_audit_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

const char *
wt_audit_key_id(const struct wt_audit_key *k)
{
	return k->id;
}

/* Checkpoints are rare (every N events / T s): one context allocation per signature is fine. */
int
wt_audit_sign(const struct wt_audit_key *k, const void *msg, size_t len,
	      uint8_t sig[WT_AUDIT_SIG_LEN])
{
	EVP_MD_CTX *ctx;
	size_t sl = WT_AUDIT_SIG_LEN;
	int ok;

	if (!k->private)
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL)
		return -ENOMEM;
	ok = EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestSign(ctx, sig, &sl, msg, len) == 1 && sl == WT_AUDIT_SIG_LEN;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok ? 0 : -EIO;
}

int
wt_audit_sig_check(const struct wt_audit_key *k, const void *msg, size_t len,
		   const uint8_t sig[WT_AUDIT_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	if (ctx == NULL)
		return 0;
	ok = EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
	     EVP_DigestVerify(ctx, sig, WT_AUDIT_SIG_LEN, msg, len) == 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}
