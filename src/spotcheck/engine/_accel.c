/*
 * spotcheck.engine._accel - optional compiled loops for the draw engine's per-unit hashing.
 *
 * Nothing here defines protocol behaviour: every function computes exactly the bytes that the
 * pure-Python code in tickets.py / merkle.py computes (docs/draw-protocol.md sections 4 and 9),
 * only in one C loop per batch instead of several CPython calls per unit. The loops run with
 * the GIL released, so Python threads can split a batch across cores.
 *
 * Hashing goes through OpenSSL's libcrypto: SHA-256 through the low-level SHA256_* functions
 * where the headers still declare them (no per-message provider dispatch, and the state after
 * a fixed message prefix can be copied), otherwise - and for SM3 - through EVP.
 *
 * Functions (all buffers C-contiguous; positions are pool indices):
 *   ticket_prefixes(algo, prefix, ids, width, lo, hi, out)
 *       out[i] = first 8 bytes, big-endian, of H(prefix || u32(len id_i) || id_i), i in [lo, hi)
 *   pool_block_roots(algo, ids, width, strata, names, weights, excl_pos, excl_reasons,
 *                    lo, hi, block_bits) -> bytes
 *       Merkle roots of consecutive 2^block_bits-leaf blocks of the canonical pool lines in
 *       [lo, hi) (block_bits = 0 gives the leaf hashes themselves).
 *   merkle_reduce(algo, nodes, size) -> bytes
 *       root over packed size-byte nodes by level-wise pairing, odd node carried up.
 *   pool_lines(ids, width, strata, names, weights, excl_pos, excl_reasons, lo, hi) -> bytes
 *       those canonical lines themselves, joined by ',' (the proof's "pool" array body).
 *   conflict_block_roots(algo, salt_prefix, ids, width, ovr_pos, ovr_hashes, lo, hi,
 *                        block_bits) -> bytes
 *       the same for the hiding conflict tree's leaves (salts derived in C; leaves of targets
 *       with declared conflicts passed in as hashes).
 *   merkle_levels(algo, nodes, size) -> bytes
 *       every level of that reduction, concatenated (for audit paths inside one block).
 * ValueError means "input this code does not handle"; callers fall back to Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#if !defined(OPENSSL_NO_DEPRECATED_3_0) && !defined(OPENSSL_NO_DEPRECATED)
#define ACCEL_LOWLEVEL_SHA256 1
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
#else
#define ACCEL_LOWLEVEL_SHA256 0
#endif

#define MAX_DIGEST 64
/* Bump when a function's signature or output changes; accel.py ignores a module built from
   another version (e.g. a stale in-place build after a pull). */
#define ACCEL_API_VERSION 2

/* ------------------------------------------------------------------------------------------ */
/* Hash abstraction                                                                           */

typedef struct {
    int lowlevel;      /* 1: SHA256_* functions; 0: EVP with md */
    const EVP_MD *md;  /* EVP digest (fetched or static); NULL when lowlevel */
    int fetched;       /* md must be freed with EVP_MD_free */
    size_t size;       /* digest size */
} Algo;

typedef struct {
    const Algo *algo;
#if ACCEL_LOWLEVEL_SHA256
    SHA256_CTX sha;
#endif
    EVP_MD_CTX *evp;
} Hasher;

static int
algo_open(const char *name, Algo *a)
{
    memset(a, 0, sizeof(*a));
    if (strcmp(name, "sha256") == 0) {
#if ACCEL_LOWLEVEL_SHA256
        a->lowlevel = 1;
        a->size = 32;
        return 0;
#else
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
        a->md = EVP_MD_fetch(NULL, "SHA256", NULL);
        a->fetched = a->md != NULL;
#else
        a->md = EVP_sha256();
#endif
#endif
    }
    else if (strcmp(name, "sm3") == 0) {
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
        a->md = EVP_MD_fetch(NULL, "SM3", NULL);
        a->fetched = a->md != NULL;
#else
        a->md = EVP_get_digestbyname("SM3");
#endif
    }
    if (a->md == NULL) {
        PyErr_Format(PyExc_ValueError, "digest %s is not available in the accelerator", name);
        return -1;
    }
    a->size = (size_t)EVP_MD_size(a->md);
    if (a->size == 0 || a->size > MAX_DIGEST) {
        PyErr_SetString(PyExc_ValueError, "unexpected digest size");
        return -1;
    }
    return 0;
}

static void
algo_close(Algo *a)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    if (a->fetched)
        EVP_MD_free((EVP_MD *)a->md);
#endif
    a->md = NULL;
    a->fetched = 0;
}

static int
hasher_open(Hasher *h, const Algo *a)
{
    h->algo = a;
    h->evp = NULL;
    if (!a->lowlevel) {
        h->evp = EVP_MD_CTX_new();
        if (h->evp == NULL)
            return -1;
    }
    return 0;
}

static void
hasher_close(Hasher *h)
{
    if (h->evp != NULL)
        EVP_MD_CTX_free(h->evp);
    h->evp = NULL;
}

static int
h_init(Hasher *h)
{
#if ACCEL_LOWLEVEL_SHA256
    if (h->algo->lowlevel)
        return SHA256_Init(&h->sha) == 1 ? 0 : -1;
#endif
    return EVP_DigestInit_ex(h->evp, h->algo->md, NULL) == 1 ? 0 : -1;
}

static int
h_update(Hasher *h, const void *p, size_t n)
{
#if ACCEL_LOWLEVEL_SHA256
    if (h->algo->lowlevel)
        return SHA256_Update(&h->sha, p, n) == 1 ? 0 : -1;
#endif
    return EVP_DigestUpdate(h->evp, p, n) == 1 ? 0 : -1;
}

static int
h_final(Hasher *h, unsigned char *out)
{
#if ACCEL_LOWLEVEL_SHA256
    if (h->algo->lowlevel)
        return SHA256_Final(out, &h->sha) == 1 ? 0 : -1;
#endif
    return EVP_DigestFinal_ex(h->evp, out, NULL) == 1 ? 0 : -1;
}

static int
h_oneshot(Hasher *h, const void *p, size_t n, unsigned char *out)
{
    if (h_init(h) || h_update(h, p, n) || h_final(h, out))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Small helpers                                                                              */

static Py_ssize_t
id_length(const unsigned char *rec, Py_ssize_t width)
{
    /* numpy 'S' items are NUL-padded; the id is the item without trailing NULs (as tolist()). */
    while (width > 0 && rec[width - 1] == 0)
        width--;
    return width;
}

static void
put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static int
needs_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

/* Strict UTF-8 check (what Python's bytes.decode("utf-8") accepts). */
static int
valid_utf8(const unsigned char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        int len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        }
        else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        }
        else
            return 0;
        if (i + len > n)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (int k = 2; k < len; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        i += len;
    }
    return 1;
}

/* Append the canonical JSON string for id bytes s[0:n] (section 3). Returns bytes written, or
   -1 for ids that must be escaped but are not valid UTF-8 (Python would raise). */
static Py_ssize_t
put_json_string(unsigned char *out, const unsigned char *s, Py_ssize_t n)
{
    static const char hex[] = "0123456789abcdef";
    Py_ssize_t i, k = 0, esc = 0;
    for (i = 0; i < n; i++)
        esc |= needs_escape(s[i]);
    out[k++] = '"';
    if (!esc) {
        memcpy(out + k, s, (size_t)n);
        k += n;
    }
    else {
        if (!valid_utf8(s, n))
            return -1;
        for (i = 0; i < n; i++) {
            unsigned char c = s[i];
            if (!needs_escape(c)) {
                out[k++] = c;
                continue;
            }
            out[k++] = '\\';
            switch (c) {
            case '"': out[k++] = '"'; break;
            case '\\': out[k++] = '\\'; break;
            case 0x08: out[k++] = 'b'; break;
            case 0x09: out[k++] = 't'; break;
            case 0x0A: out[k++] = 'n'; break;
            case 0x0C: out[k++] = 'f'; break;
            case 0x0D: out[k++] = 'r'; break;
            default:
                out[k++] = 'u';
                out[k++] = '0';
                out[k++] = '0';
                out[k++] = (unsigned char)hex[c >> 4];
                out[k++] = (unsigned char)hex[c & 15];
            }
        }
    }
    out[k++] = '"';
    return k;
}

static Py_ssize_t
put_int64(unsigned char *out, int64_t v)
{
    unsigned char tmp[24];
    int n = 0;
    Py_ssize_t k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (unsigned char)('0' + (u % 10));
        u /= 10;
    } while (u);
    if (v < 0)
        out[k++] = '-';
    while (n)
        out[k++] = tmp[--n];
    return k;
}

#define PUT_LIT(buf, k, lit)                        \
    do {                                            \
        memcpy((buf) + (k), (lit), sizeof(lit) - 1); \
        (k) += sizeof(lit) - 1;                     \
    } while (0)

/* Level-wise Merkle reduction in place over n packed nodes; the root ends up in nodes[0:size]. */
static int
reduce_nodes(Hasher *h, unsigned char *nodes, Py_ssize_t n, size_t size)
{
    unsigned char msg[1 + 2 * MAX_DIGEST];
    msg[0] = 0x01;
    while (n > 1) {
        Py_ssize_t pairs = n / 2, i;
        for (i = 0; i < pairs; i++) {
            memcpy(msg + 1, nodes + (size_t)(2 * i) * size, 2 * size);
            if (h_oneshot(h, msg, 1 + 2 * size, nodes + (size_t)i * size))
                return -1;
        }
        if (n & 1)
            memmove(nodes + (size_t)pairs * size, nodes + (size_t)(n - 1) * size, size);
        n = pairs + (n & 1);
    }
    return 0;
}

static int
get_buffer(PyObject *obj, Py_buffer *view, int writable, const char *what)
{
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(obj, view, flags) < 0) {
        PyErr_Clear();
        PyErr_Format(PyExc_ValueError, "%s must be a C-contiguous%s buffer", what,
                     writable ? " writable" : "");
        return -1;
    }
    return 0;
}

/* Borrowed (pointer, length) views of a tuple of bytes objects. */
typedef struct {
    const unsigned char **ptr;
    Py_ssize_t *len;
    Py_ssize_t count, maxlen;
} ByteList;

static int
bytelist_from(PyObject *tuple, ByteList *bl, const char *what)
{
    Py_ssize_t i;
    bl->ptr = NULL;
    bl->len = NULL;
    bl->count = bl->maxlen = 0;
    if (!PyTuple_Check(tuple)) {
        PyErr_Format(PyExc_ValueError, "%s must be a tuple of bytes", what);
        return -1;
    }
    bl->count = PyTuple_GET_SIZE(tuple);
    bl->ptr = PyMem_Malloc(sizeof(*bl->ptr) * (size_t)(bl->count + 1));
    bl->len = PyMem_Malloc(sizeof(*bl->len) * (size_t)(bl->count + 1));
    if (bl->ptr == NULL || bl->len == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (i = 0; i < bl->count; i++) {
        PyObject *item = PyTuple_GET_ITEM(tuple, i);
        if (!PyBytes_Check(item)) {
            PyErr_Format(PyExc_ValueError, "%s must be a tuple of bytes", what);
            return -1;
        }
        bl->ptr[i] = (const unsigned char *)PyBytes_AS_STRING(item);
        bl->len[i] = PyBytes_GET_SIZE(item);
        if (bl->len[i] > bl->maxlen)
            bl->maxlen = bl->len[i];
    }
    return 0;
}

static void
bytelist_free(ByteList *bl)
{
    PyMem_Free(bl->ptr);
    PyMem_Free(bl->len);
    bl->ptr = NULL;
    bl->len = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* ticket_prefixes                                                                            */

static PyObject *
accel_ticket_prefixes(PyObject *self, PyObject *args)
{
    const char *name;
    Py_buffer prefix, ids, out;
    PyObject *ids_obj, *out_obj;
    Py_ssize_t width, lo, hi, i;
    Algo algo;
    Hasher h;
    int err = 0;
    (void)self;

    if (!PyArg_ParseTuple(args, "sy*OnnnO", &name, &prefix, &ids_obj, &width, &lo, &hi,
                          &out_obj))
        return NULL;
    if (get_buffer(ids_obj, &ids, 0, "ids") < 0) {
        PyBuffer_Release(&prefix);
        return NULL;
    }
    if (get_buffer(out_obj, &out, 1, "out") < 0) {
        PyBuffer_Release(&ids);
        PyBuffer_Release(&prefix);
        return NULL;
    }
    if (width <= 0 || ids.len % width != 0 || lo < 0 || hi < lo || hi > ids.len / width ||
        out.len < hi * 8 || width > 0x7fffffff) {
        PyErr_SetString(PyExc_ValueError, "ticket_prefixes: inconsistent sizes");
        goto fail_buffers;
    }
    if (algo_open(name, &algo) < 0)
        goto fail_buffers;
    if (hasher_open(&h, &algo) < 0) {
        algo_close(&algo);
        PyErr_NoMemory();
        goto fail_buffers;
    }

    Py_BEGIN_ALLOW_THREADS
    const unsigned char *base = (const unsigned char *)ids.buf;
    const unsigned char *pre = (const unsigned char *)prefix.buf;
    size_t plen = (size_t)prefix.len;
    uint64_t *dst = (uint64_t *)out.buf;
    unsigned char digest[MAX_DIGEST], len4[4];
#if ACCEL_LOWLEVEL_SHA256
    SHA256_CTX mid;
    if (algo.lowlevel) {
        /* The prefix is the same for every unit: absorb it once, copy the state per unit. */
        if (SHA256_Init(&mid) != 1 || SHA256_Update(&mid, pre, plen) != 1)
            err = 1;
        for (i = lo; i < hi && !err; i++) {
            const unsigned char *rec = base + (size_t)i * (size_t)width;
            Py_ssize_t n = id_length(rec, width);
            put_u32(len4, (uint32_t)n);
            h.sha = mid;
            if (SHA256_Update(&h.sha, len4, 4) != 1 || SHA256_Update(&h.sha, rec, (size_t)n) != 1 ||
                SHA256_Final(digest, &h.sha) != 1)
                err = 1;
            uint64_t v = 0;
            for (int k = 0; k < 8; k++)
                v = (v << 8) | digest[k];
            dst[i] = v;
        }
    }
    else
#endif
    {
        for (i = lo; i < hi && !err; i++) {
            const unsigned char *rec = base + (size_t)i * (size_t)width;
            Py_ssize_t n = id_length(rec, width);
            put_u32(len4, (uint32_t)n);
            if (h_init(&h) || h_update(&h, pre, plen) || h_update(&h, len4, 4) ||
                h_update(&h, rec, (size_t)n) || h_final(&h, digest))
                err = 1;
            uint64_t v = 0;
            for (int k = 0; k < 8; k++)
                v = (v << 8) | digest[k];
            dst[i] = v;
        }
    }
    Py_END_ALLOW_THREADS

    hasher_close(&h);
    algo_close(&algo);
    PyBuffer_Release(&out);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&prefix);
    if (err) {
        PyErr_SetString(PyExc_ValueError, "digest computation failed");
        return NULL;
    }
    Py_RETURN_NONE;

fail_buffers:
    PyBuffer_Release(&out);
    PyBuffer_Release(&ids);
    PyBuffer_Release(&prefix);
    return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* pool_block_roots                                                                           */

enum { ERR_NONE = 0, ERR_HASH, ERR_STRATUM, ERR_UTF8, ERR_EXCLUDED };

/* The canonical JSON of pool line i (section 4.1) into out; *e walks the ascending excluded
   positions. Returns its length, or -1 with *err set. out needs pool_line_cap() bytes. */
static Py_ssize_t
format_pool_line(unsigned char *out, const unsigned char *idb, Py_ssize_t width,
                 const int32_t *st, const ByteList *names, const int64_t *wt, const int64_t *ex,
                 const ByteList *reasons, Py_ssize_t *e, Py_ssize_t i, int *err)
{
    const unsigned char *rec = idb + (size_t)i * (size_t)width;
    Py_ssize_t idn = id_length(rec, width), k = 0, w, n_ex = reasons->count;
    int32_t s = st[i];
    if (s < 0 || s >= names->count) {
        *err = ERR_STRATUM;
        return -1;
    }
    out[k++] = '{';
    while (*e < n_ex && ex[*e] < i)
        (*e)++; /* only with duplicate or unsorted positions */
    if (*e < n_ex && ex[*e] == i) {
        if (*e + 1 < n_ex && ex[*e + 1] <= i) {
            *err = ERR_EXCLUDED;
            return -1;
        }
        PUT_LIT(out, k, "\"excluded\":");
        memcpy(out + k, reasons->ptr[*e], (size_t)reasons->len[*e]);
        k += reasons->len[*e];
        out[k++] = ',';
        (*e)++;
    }
    PUT_LIT(out, k, "\"id\":");
    w = put_json_string(out + k, rec, idn);
    if (w < 0) {
        *err = ERR_UTF8;
        return -1;
    }
    k += w;
    PUT_LIT(out, k, ",\"stratum\":");
    memcpy(out + k, names->ptr[s], (size_t)names->len[s]);
    k += names->len[s];
    PUT_LIT(out, k, ",\"weight\":");
    k += put_int64(out + k, wt[i]);
    out[k++] = '}';
    return k;
}

static size_t
pool_line_cap(const ByteList *names, const ByteList *reasons, Py_ssize_t width)
{
    /* {"excluded":R,"id":I,"stratum":S,"weight":W}; an id byte escapes to at most 6 bytes */
    return 96 + (size_t)reasons->maxlen + 6 * (size_t)width + (size_t)names->maxlen;
}

/* First index in the ascending positions pos[0:n] that is >= lo. */
static Py_ssize_t
first_at_or_after(const int64_t *pos, Py_ssize_t n, Py_ssize_t lo)
{
    Py_ssize_t a = 0, z = n;
    while (a < z) {
        Py_ssize_t m = a + (z - a) / 2;
        if (pos[m] < lo)
            a = m + 1;
        else
            z = m;
    }
    return a;
}

/* The pool's columns as pool_block_roots and pool_lines take them, held until pool_close. */
typedef struct {
    Py_buffer ids, strata, weights, excl;
    ByteList names, reasons;
    int held; /* how many of ids, strata, weights, excl are acquired, in that order */
    Py_ssize_t width;
} PoolCols;

static void
pool_close(PoolCols *p)
{
    Py_buffer *bufs[4] = {&p->ids, &p->strata, &p->weights, &p->excl};
    for (int i = 0; i < p->held; i++)
        PyBuffer_Release(bufs[i]);
    p->held = 0;
    bytelist_free(&p->names);
    bytelist_free(&p->reasons);
}

/* Acquire and check the columns for positions [lo, hi); on failure a ValueError is set and
   the caller still calls pool_close. */
static int
pool_open(PoolCols *p, PyObject *ids, Py_ssize_t width, PyObject *strata, PyObject *names,
          PyObject *weights, PyObject *excl, PyObject *reasons, Py_ssize_t lo, Py_ssize_t hi,
          const char *fn)
{
    memset(p, 0, sizeof(*p));
    p->width = width;
    if (get_buffer(ids, &p->ids, 0, "ids") < 0)
        return -1;
    p->held = 1;
    if (get_buffer(strata, &p->strata, 0, "strata") < 0)
        return -1;
    p->held = 2;
    if (get_buffer(weights, &p->weights, 0, "weights") < 0)
        return -1;
    p->held = 3;
    if (get_buffer(excl, &p->excl, 0, "excluded positions") < 0)
        return -1;
    p->held = 4;
    if (bytelist_from(names, &p->names, "stratum names") < 0 ||
        bytelist_from(reasons, &p->reasons, "exclusion reasons") < 0)
        return -1;
    Py_ssize_t n_all = width > 0 ? p->ids.len / width : -1;
    if (width <= 0 || width > (1 << 24) || p->ids.len % width != 0 ||
        p->strata.len != n_all * 4 || p->weights.len != n_all * 8 ||
        p->excl.len != p->reasons.count * 8 || lo < 0 || hi < lo || hi > n_all) {
        PyErr_Format(PyExc_ValueError, "%s: inconsistent sizes", fn);
        return -1;
    }
    return 0;
}

/* Line i of the pool in p (see format_pool_line). */
static Py_ssize_t
pool_line(const PoolCols *p, unsigned char *out, Py_ssize_t *e, Py_ssize_t i, int *err)
{
    return format_pool_line(out, (const unsigned char *)p->ids.buf, p->width,
                            (const int32_t *)p->strata.buf, &p->names,
                            (const int64_t *)p->weights.buf, (const int64_t *)p->excl.buf,
                            &p->reasons, e, i, err);
}

static void
set_pool_error(int err)
{
    PyErr_SetString(PyExc_ValueError,
                    err == ERR_STRATUM    ? "stratum index out of range"
                    : err == ERR_UTF8     ? "an id needing escapes is not valid UTF-8"
                    : err == ERR_EXCLUDED ? "excluded positions are not strictly ascending"
                                          : "digest computation failed");
}

static PyObject *
accel_pool_block_roots(PyObject *self, PyObject *args)
{
    const char *name;
    PyObject *ids_obj, *strata_obj, *names_obj, *weights_obj, *excl_obj, *reasons_obj;
    Py_ssize_t width, lo, hi;
    int block_bits;
    PoolCols pool;
    Algo algo;
    Hasher h;
    int err = ERR_NONE, have_algo = 0, have_hasher = 0;
    unsigned char *line = NULL, *block = NULL;
    PyObject *result = NULL;
    (void)self;

    if (!PyArg_ParseTuple(args, "sOnOOOOOnni", &name, &ids_obj, &width, &strata_obj, &names_obj,
                          &weights_obj, &excl_obj, &reasons_obj, &lo, &hi, &block_bits))
        return NULL;
    if (pool_open(&pool, ids_obj, width, strata_obj, names_obj, weights_obj, excl_obj,
                  reasons_obj, lo, hi, "pool_block_roots") < 0)
        goto done;
    if (block_bits < 0 || block_bits > 30 || (lo & (((Py_ssize_t)1 << block_bits) - 1))) {
        PyErr_SetString(PyExc_ValueError, "pool_block_roots: inconsistent sizes");
        goto done;
    }
    if (algo_open(name, &algo) < 0)
        goto done;
    have_algo = 1;
    if (hasher_open(&h, &algo) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    have_hasher = 1;

    Py_ssize_t bsize = (Py_ssize_t)1 << block_bits;
    Py_ssize_t nblocks = hi > lo ? (hi - lo + bsize - 1) / bsize : 0;
    size_t dsize = algo.size;
    line = PyMem_Malloc(1 + pool_line_cap(&pool.names, &pool.reasons, width));
    block = PyMem_Malloc((size_t)(hi > lo ? (bsize < hi - lo ? bsize : hi - lo) : 1) * dsize);
    result = PyBytes_FromStringAndSize(NULL, nblocks * (Py_ssize_t)dsize);
    if (line == NULL || block == NULL || result == NULL) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        Py_CLEAR(result);
        goto done;
    }

    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t e = first_at_or_after((const int64_t *)pool.excl.buf, pool.reasons.count, lo);
    Py_ssize_t i, b;
    unsigned char *res = (unsigned char *)PyBytes_AS_STRING(result);
    for (b = 0; b < nblocks && !err; b++) {
        Py_ssize_t start = lo + b * bsize, stop = start + bsize;
        if (stop > hi)
            stop = hi;
        for (i = start; i < stop && !err; i++) {
            line[0] = 0x00;
            Py_ssize_t k = pool_line(&pool, line + 1, &e, i, &err);
            if (k < 0)
                break;
            if (h_oneshot(&h, line, (size_t)k + 1, block + (size_t)(i - start) * dsize))
                err = ERR_HASH;
        }
        if (!err && reduce_nodes(&h, block, stop - start, dsize))
            err = ERR_HASH;
        if (!err)
            memcpy(res + (size_t)b * dsize, block, dsize);
    }
    Py_END_ALLOW_THREADS

    if (err) {
        Py_CLEAR(result);
        set_pool_error(err);
    }

done:
    PyMem_Free(line);
    PyMem_Free(block);
    if (have_hasher)
        hasher_close(&h);
    if (have_algo)
        algo_close(&algo);
    pool_close(&pool);
    return result;
}

/* ------------------------------------------------------------------------------------------ */
/* merkle_reduce                                                                              */

/* Parse (algo, nodes, size) for merkle_reduce / merkle_levels and open the hash. On failure
   the error is set and nothing is held; on success the caller releases nodes, h and algo. */
static int
nodes_open(PyObject *args, const char *fn, Py_buffer *nodes, Py_ssize_t *size, Algo *algo,
           Hasher *h)
{
    const char *name;
    if (!PyArg_ParseTuple(args, "sy*n", &name, nodes, size))
        return -1;
    if (*size <= 0 || *size > MAX_DIGEST || nodes->len == 0 || nodes->len % *size != 0) {
        PyErr_Format(PyExc_ValueError, "%s: inconsistent sizes", fn);
        PyBuffer_Release(nodes);
        return -1;
    }
    if (algo_open(name, algo) < 0) {
        PyBuffer_Release(nodes);
        return -1;
    }
    if ((size_t)*size != algo->size) {
        algo_close(algo);
        PyBuffer_Release(nodes);
        PyErr_Format(PyExc_ValueError, "%s: node size differs from digest size", fn);
        return -1;
    }
    if (hasher_open(h, algo) < 0) {
        algo_close(algo);
        PyBuffer_Release(nodes);
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static PyObject *
accel_merkle_reduce(PyObject *self, PyObject *args)
{
    Py_buffer nodes;
    Py_ssize_t size;
    Algo algo;
    Hasher h;
    PyObject *result = NULL;
    unsigned char *work = NULL;
    int err = 0;
    (void)self;

    if (nodes_open(args, "merkle_reduce", &nodes, &size, &algo, &h) < 0)
        return NULL;
    work = PyMem_Malloc((size_t)nodes.len);
    if (work == NULL) {
        hasher_close(&h);
        algo_close(&algo);
        PyBuffer_Release(&nodes);
        return PyErr_NoMemory();
    }
    memcpy(work, nodes.buf, (size_t)nodes.len);
    Py_BEGIN_ALLOW_THREADS
    err = reduce_nodes(&h, work, nodes.len / size, (size_t)size);
    Py_END_ALLOW_THREADS
    if (err)
        PyErr_SetString(PyExc_ValueError, "digest computation failed");
    else
        result = PyBytes_FromStringAndSize((const char *)work, size);
    PyMem_Free(work);
    hasher_close(&h);
    algo_close(&algo);
    PyBuffer_Release(&nodes);
    return result;
}

/* ------------------------------------------------------------------------------------------ */
/* pool_lines                                                                                 */

/* The canonical JSON lines of pool positions [lo, hi) joined by ',' (the body of the proof's
   "pool" array): exactly what the leaves of pool_block_roots hash, without the 0x00. */
static PyObject *
accel_pool_lines(PyObject *self, PyObject *args)
{
    PyObject *ids_obj, *strata_obj, *names_obj, *weights_obj, *excl_obj, *reasons_obj;
    Py_ssize_t width, lo, hi, e, i, first, total = 0;
    PoolCols pool;
    int err = ERR_NONE;
    unsigned char *line = NULL;
    PyObject *result = NULL;
    (void)self;

    if (!PyArg_ParseTuple(args, "OnOOOOOnn", &ids_obj, &width, &strata_obj, &names_obj,
                          &weights_obj, &excl_obj, &reasons_obj, &lo, &hi))
        return NULL;
    if (pool_open(&pool, ids_obj, width, strata_obj, names_obj, weights_obj, excl_obj,
                  reasons_obj, lo, hi, "pool_lines") < 0)
        goto done;
    line = PyMem_Malloc(pool_line_cap(&pool.names, &pool.reasons, width));
    if (line == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    first = first_at_or_after((const int64_t *)pool.excl.buf, pool.reasons.count, lo);
    /* Two passes (length, then bytes) so the result is allocated once at its exact size. */
    Py_BEGIN_ALLOW_THREADS
    e = first;
    for (i = lo; i < hi; i++) {
        Py_ssize_t k = pool_line(&pool, line, &e, i, &err);
        if (k < 0)
            break;
        total += k + (i > lo);
    }
    Py_END_ALLOW_THREADS
    if (!err) {
        result = PyBytes_FromStringAndSize(NULL, total);
        if (result == NULL)
            goto done;
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
        Py_BEGIN_ALLOW_THREADS
        Py_ssize_t at = 0;
        e = first;
        for (i = lo; i < hi; i++) {
            if (i > lo)
                out[at++] = ',';
            at += pool_line(&pool, out + at, &e, i, &err);
        }
        Py_END_ALLOW_THREADS
    }
    if (err) {
        Py_CLEAR(result);
        set_pool_error(err);
    }

done:
    PyMem_Free(line);
    pool_close(&pool);
    return result;
}

/* ------------------------------------------------------------------------------------------ */
/* conflict_block_roots                                                                       */

/* Leaves of the hiding conflict tree (section 4.3) for pool positions [lo, hi): the salt
   s_i = H(prefix || u32(len id_i) || id_i)[:16] and the leaf H(0x00 || {"inspectors":[],
   "salt":hex(s_i),"target":id_i}); positions listed in ovr_pos (ascending) take the packed
   leaf hash given in ovr_hashes instead (targets with declared conflicts, hashed in Python).
   Returns the roots of consecutive 2^block_bits-leaf blocks, as pool_block_roots does. */
static PyObject *
accel_conflict_block_roots(PyObject *self, PyObject *args)
{
    static const char hex[] = "0123456789abcdef";
    const char *name;
    PyObject *ids_obj, *pos_obj, *ovr_obj;
    Py_buffer prefix, ids, pos, ovr;
    Py_ssize_t width, lo, hi;
    int block_bits;
    Algo algo;
    Hasher h, salt_h;
    int err = ERR_NONE, have_ids = 0, have_pos = 0, have_ovr = 0, have_algo = 0;
    int have_hasher = 0, have_salt = 0;
    unsigned char *line = NULL, *block = NULL;
    PyObject *result = NULL;
    (void)self;

    if (!PyArg_ParseTuple(args, "sy*OnOOnni", &name, &prefix, &ids_obj, &width, &pos_obj,
                          &ovr_obj, &lo, &hi, &block_bits))
        return NULL;
    if (get_buffer(ids_obj, &ids, 0, "ids") < 0)
        goto done;
    have_ids = 1;
    if (get_buffer(pos_obj, &pos, 0, "override positions") < 0)
        goto done;
    have_pos = 1;
    if (get_buffer(ovr_obj, &ovr, 0, "override hashes") < 0)
        goto done;
    have_ovr = 1;
    if (algo_open(name, &algo) < 0)
        goto done;
    have_algo = 1;
    {
        Py_ssize_t n_all = width > 0 ? ids.len / width : -1;
        if (width <= 0 || width > (1 << 24) || ids.len % width != 0 || pos.len % 8 != 0 ||
            ovr.len != (pos.len / 8) * (Py_ssize_t)algo.size || lo < 0 || hi < lo ||
            hi > n_all || block_bits < 0 || block_bits > 30 ||
            (lo & (((Py_ssize_t)1 << block_bits) - 1))) {
            PyErr_SetString(PyExc_ValueError, "conflict_block_roots: inconsistent sizes");
            goto done;
        }
    }
    if (hasher_open(&h, &algo) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    have_hasher = 1;
    if (hasher_open(&salt_h, &algo) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    have_salt = 1;

    Py_ssize_t bsize = (Py_ssize_t)1 << block_bits;
    Py_ssize_t nblocks = hi > lo ? (hi - lo + bsize - 1) / bsize : 0;
    size_t dsize = algo.size;
    size_t line_cap = 96 + 6 * (size_t)width;
    line = PyMem_Malloc(line_cap);
    block = PyMem_Malloc((size_t)(hi > lo ? (bsize < hi - lo ? bsize : hi - lo) : 1) * dsize);
    result = PyBytes_FromStringAndSize(NULL, nblocks * (Py_ssize_t)dsize);
    if (line == NULL || block == NULL || result == NULL) {
        if (!PyErr_Occurred())
            PyErr_NoMemory();
        Py_CLEAR(result);
        goto done;
    }

    Py_BEGIN_ALLOW_THREADS
    const unsigned char *idb = (const unsigned char *)ids.buf;
    const unsigned char *pre = (const unsigned char *)prefix.buf;
    size_t plen = (size_t)prefix.len;
    const int64_t *ov = (const int64_t *)pos.buf;
    const unsigned char *ovh = (const unsigned char *)ovr.buf;
    Py_ssize_t n_ov = pos.len / 8, e = 0, i, b;
    unsigned char *res = (unsigned char *)PyBytes_AS_STRING(result);
    unsigned char digest[MAX_DIGEST], len4[4];
#if ACCEL_LOWLEVEL_SHA256
    SHA256_CTX mid;
    if (algo.lowlevel && (SHA256_Init(&mid) != 1 || SHA256_Update(&mid, pre, plen) != 1))
        err = ERR_HASH;
#endif
    e = first_at_or_after(ov, n_ov, lo);
    for (b = 0; b < nblocks && !err; b++) {
        Py_ssize_t start = lo + b * bsize, stop = start + bsize;
        if (stop > hi)
            stop = hi;
        for (i = start; i < stop && !err; i++) {
            unsigned char *dst = block + (size_t)(i - start) * dsize;
            if (e < n_ov && ov[e] == i) {
                if (e + 1 < n_ov && ov[e + 1] <= i) {
                    err = ERR_EXCLUDED;
                    break;
                }
                memcpy(dst, ovh + (size_t)e * dsize, dsize);
                e++;
                continue;
            }
            const unsigned char *rec = idb + (size_t)i * (size_t)width;
            Py_ssize_t idn = id_length(rec, width), k = 0, w;
            put_u32(len4, (uint32_t)idn);
#if ACCEL_LOWLEVEL_SHA256
            if (algo.lowlevel) {
                salt_h.sha = mid;
                if (SHA256_Update(&salt_h.sha, len4, 4) != 1 ||
                    SHA256_Update(&salt_h.sha, rec, (size_t)idn) != 1 ||
                    SHA256_Final(digest, &salt_h.sha) != 1)
                    err = ERR_HASH;
            }
            else
#endif
            if (h_init(&salt_h) || h_update(&salt_h, pre, plen) || h_update(&salt_h, len4, 4) ||
                h_update(&salt_h, rec, (size_t)idn) || h_final(&salt_h, digest))
                err = ERR_HASH;
            line[k++] = 0x00;
            PUT_LIT(line, k, "{\"inspectors\":[],\"salt\":\"");
            for (int q = 0; q < 16; q++) {
                line[k++] = (unsigned char)hex[digest[q] >> 4];
                line[k++] = (unsigned char)hex[digest[q] & 15];
            }
            PUT_LIT(line, k, "\",\"target\":");
            w = put_json_string(line + k, rec, idn);
            if (w < 0) {
                err = ERR_UTF8;
                break;
            }
            k += w;
            line[k++] = '}';
            if (!err && h_oneshot(&h, line, (size_t)k, dst))
                err = ERR_HASH;
        }
        if (!err && reduce_nodes(&h, block, stop - start, dsize))
            err = ERR_HASH;
        if (!err)
            memcpy(res + (size_t)b * dsize, block, dsize);
    }
    Py_END_ALLOW_THREADS

    if (err) {
        Py_CLEAR(result);
        PyErr_SetString(PyExc_ValueError,
                        err == ERR_UTF8       ? "an id needing escapes is not valid UTF-8"
                        : err == ERR_EXCLUDED ? "override positions are not strictly ascending"
                                              : "digest computation failed");
    }

done:
    PyMem_Free(line);
    PyMem_Free(block);
    if (have_salt)
        hasher_close(&salt_h);
    if (have_hasher)
        hasher_close(&h);
    if (have_algo)
        algo_close(&algo);
    if (have_ovr)
        PyBuffer_Release(&ovr);
    if (have_pos)
        PyBuffer_Release(&pos);
    if (have_ids)
        PyBuffer_Release(&ids);
    PyBuffer_Release(&prefix);
    return result;
}

/* ------------------------------------------------------------------------------------------ */
/* merkle_levels                                                                              */

/* Every level of the tree over packed nodes (level 0 = the input), concatenated; pairing as
   in reduce_nodes. Used for the audit paths inside one block. */
static PyObject *
accel_merkle_levels(PyObject *self, PyObject *args)
{
    Py_buffer nodes;
    Py_ssize_t size, n, total = 0;
    Algo algo;
    Hasher h;
    PyObject *result = NULL;
    int err = 0;
    (void)self;

    if (nodes_open(args, "merkle_levels", &nodes, &size, &algo, &h) < 0)
        return NULL;
    for (n = nodes.len / size; n > 1; n = n / 2 + (n & 1))
        total += n;
    total += 1;
    result = PyBytes_FromStringAndSize(NULL, total * size);
    if (result != NULL) {
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
        Py_BEGIN_ALLOW_THREADS
        unsigned char msg[1 + 2 * MAX_DIGEST];
        unsigned char *cur = out;
        msg[0] = 0x01;
        memcpy(cur, nodes.buf, (size_t)nodes.len);
        n = nodes.len / size;
        while (n > 1 && !err) {
            Py_ssize_t pairs = n / 2, i;
            unsigned char *nxt = cur + (size_t)n * (size_t)size;
            for (i = 0; i < pairs && !err; i++) {
                memcpy(msg + 1, cur + (size_t)(2 * i) * (size_t)size, 2 * (size_t)size);
                if (h_oneshot(&h, msg, 1 + 2 * (size_t)size, nxt + (size_t)i * (size_t)size))
                    err = 1;
            }
            if (n & 1)
                memcpy(nxt + (size_t)pairs * (size_t)size, cur + (size_t)(n - 1) * (size_t)size,
                       (size_t)size);
            cur = nxt;
            n = pairs + (n & 1);
        }
        Py_END_ALLOW_THREADS
        if (err) {
            Py_CLEAR(result);
            PyErr_SetString(PyExc_ValueError, "digest computation failed");
        }
    }
    hasher_close(&h);
    algo_close(&algo);
    PyBuffer_Release(&nodes);
    return result;
}

/* ------------------------------------------------------------------------------------------ */

static PyMethodDef accel_methods[] = {
    {"ticket_prefixes", accel_ticket_prefixes, METH_VARARGS,
     "ticket_prefixes(algo, prefix, ids, width, lo, hi, out): first 8 ticket bytes as uint64."},
    {"pool_block_roots", accel_pool_block_roots, METH_VARARGS,
     "pool_block_roots(algo, ids, width, strata, names, weights, excl_pos, excl_reasons, lo, "
     "hi, block_bits) -> Merkle roots of 2^block_bits-line blocks of canonical pool lines."},
    {"merkle_reduce", accel_merkle_reduce, METH_VARARGS,
     "merkle_reduce(algo, nodes, size) -> root of packed nodes (level-wise, odd carried up)."},
    {"pool_lines", accel_pool_lines, METH_VARARGS,
     "pool_lines(ids, width, strata, names, weights, excl_pos, excl_reasons, lo, hi) -> the "
     "canonical pool lines of [lo, hi) joined by ','."},
    {"conflict_block_roots", accel_conflict_block_roots, METH_VARARGS,
     "conflict_block_roots(algo, salt_prefix, ids, width, ovr_pos, ovr_hashes, lo, hi, "
     "block_bits) -> Merkle roots of 2^block_bits-leaf blocks of the hiding conflict tree."},
    {"merkle_levels", accel_merkle_levels, METH_VARARGS,
     "merkle_levels(algo, nodes, size) -> every level of the tree over packed nodes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef accel_module = {
    PyModuleDef_HEAD_INIT, "_accel",
    "Optional compiled loops for spotcheck.engine (identical output to the Python code).", -1,
    accel_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__accel(void)
{
    PyObject *m = PyModule_Create(&accel_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddStringConstant(m, "OPENSSL_VERSION", OPENSSL_VERSION_TEXT) < 0 ||
        PyModule_AddIntConstant(m, "LOWLEVEL_SHA256", ACCEL_LOWLEVEL_SHA256) < 0 ||
        PyModule_AddIntConstant(m, "API_VERSION", ACCEL_API_VERSION) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
