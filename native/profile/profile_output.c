/* profile_output.c -- see profile_output.h: the output path's choice (the
 * path written in place, a temporary file with an unguessable name next to
 * the destination, or a duplicate of standard output), the temporary file
 * renamed into place, and the failure of any step as one ts_error_t. */
#include "profile_output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "os.h"

/* Longest one-line reason a profile that cannot be drawn gets. */
#define REASON_SIZE 512

/* Format names, indexed by ts_output_format_t.  Owner: immutable; read by
 * ts_output_format_from_name. */
static const char *const format_names[TS_OUTPUT_FORMAT_COUNT] = {
#define TS_OUTPUT_NAME(format, name) name,
    TS_OUTPUT_FORMATS(TS_OUTPUT_NAME)
#undef TS_OUTPUT_NAME
};

int
ts_output_format_from_name(const char *name)
{
    for (int i = 0; i < TS_OUTPUT_FORMAT_COUNT; i++) {
        if (strcmp(name, format_names[i]) == 0) {
            return i;
        }
    }
    return -1;
}

/* Symlinks followed before a path is refused as a loop (as the kernel does). */
#define MAX_LINK_HOPS 40

/* Name candidates tried before giving up on a temporary file. */
#define MAX_TEMP_TRIES 100

/* The default draw of name candidates. */
static uint64_t
os_draw(void *ctx)
{
    (void)ctx;
    return ts_os_random_u64();
}

/* The target of symlink `link` (st_size bytes long, as lstat said), joined
 * to the link's directory when relative.  Malloc'd, or NULL with errno. */
static char *
link_target(const char *link, off_t st_size)
{
    size_t cap = st_size > 0 ? (size_t)st_size + 1 : 256;
    const char *slash = strrchr(link, '/');
    size_t dir_len = slash ? (size_t)(slash - link) + 1 : 0;

    for (;;) {
        char *buf = malloc(dir_len + cap);
        if (!buf)
            return NULL;
        ssize_t n = readlink(link, buf + dir_len, cap);
        if (n < 0) {
            free(buf);
            return NULL;
        }
        if ((size_t)n < cap) {
            buf[dir_len + (size_t)n] = 0;
            if (buf[dir_len] == '/')
                memmove(buf, buf + dir_len, (size_t)n + 1);
            else
                memcpy(buf, link, dir_len);
            return buf;
        }
        free(buf); /* the link grew since lstat */
        cap *= 2;
    }
}

/* Whether the symlink `link` (lstat *lst) may be followed: as the kernel
 * decides with fs.protected_symlinks=1, whatever the machine's setting, not
 * a link in a sticky world-writable directory (/tmp) owned by someone else
 * than this user and the directory's owner.  0 with errno EACCES if not. */
static int
link_allowed(const char *link, const struct stat *lst)
{
    const char *slash = strrchr(link, '/');
    struct stat dir;
    int ok;

    if (lst->st_uid == geteuid())
        return 1;
    if (!slash) {
        ok = stat(".", &dir) == 0;
    }
    else if (slash == link) {
        ok = stat("/", &dir) == 0;
    }
    else {
        char *parent = strndup(link, (size_t)(slash - link));
        ok = parent && stat(parent, &dir) == 0;
        free(parent);
    }
    if (ok && (dir.st_mode & (S_ISVTX | S_IWOTH)) == (S_ISVTX | S_IWOTH) &&
        lst->st_uid != dir.st_uid) {
        errno = EACCES;
        return 0;
    }
    return 1;
}

/* The file a write to `path` must replace: path itself, or the final target
 * of the symlinks it names (which need not exist yet), each link allowed
 * (link_allowed).  *st: its lstat, or st_mode 0 when it does not exist;
 * *hops: the links followed.  Malloc'd, or NULL with errno. */
static char *
resolve_destination(const char *path, struct stat *st, int *hops)
{
    char *cur = strdup(path);

    for (*hops = 0; cur; ++*hops) {
        if (lstat(cur, st) != 0) {
            if (errno != ENOENT)
                break;
            st->st_mode = 0;
            return cur;
        }
        if (!S_ISLNK(st->st_mode))
            return cur;
        if (*hops == MAX_LINK_HOPS) {
            errno = ELOOP;
            break;
        }
        if (!link_allowed(cur, st))
            break;
        char *next = link_target(cur, st->st_size);
        int saved = errno;
        free(cur);
        errno = saved;
        cur = next;
    }
    int saved = errno;
    free(cur);
    errno = saved;
    return NULL;
}

/* Creates dest's temporary file: "<dest>.tmp-<16 hex digits>", exclusively,
 * never through a link, close-on-exec; a taken name (or a link planted at
 * it) costs one more draw.  *existing: dest's lstat (st_mode 0: none).
 * Returns the descriptor with f->tmp set, or -1 with errno. */
static int
create_temporary(ts_output_file_t *f, const struct stat *existing, ts_output_draw_fn draw,
                 void *ctx)
{
    size_t n = strlen(f->dest) + sizeof ".tmp-" + 16;
    int fd = -1;

    if (!(f->tmp = malloc(n)))
        return -1;
    /* 0600 until the existing file's mode is given (it may be stricter
     * than the umask allows); a new file: 0666 & ~umask, by the kernel */
    mode_t mode = existing->st_mode ? 0600 : 0666;
    for (int i = 0; i < MAX_TEMP_TRIES && fd < 0; i++) {
        snprintf(f->tmp, n, "%s.tmp-%016llx", f->dest, (unsigned long long)draw(ctx));
        fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, mode);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        int saved = errno;
        free(f->tmp);
        f->tmp = NULL;
        errno = saved;
        return -1;
    }
    if (existing->st_mode) {
        /* keep the owner where allowed (root rewriting a user's file), then
         * the mode (fchown may clear set-id bits) */
        if ((existing->st_uid != geteuid() || existing->st_gid != getegid()) &&
            fchown(fd, existing->st_uid, existing->st_gid) != 0) {
            /* not allowed: the file becomes ours, with the mode below */
        }
        if (fchmod(fd, existing->st_mode & 0777) != 0) {
            /* stays 0600: never more open than asked */
        }
    }
    return fd;
}

int
ts_output_open(const char *path, ts_output_draw_fn draw, void *ctx, ts_output_file_t *f,
               ts_error_t *err)
{
    struct stat st, through;
    int hops;

    f->fd = -1;
    f->tmp = NULL;
    f->dest = resolve_destination(path, &st, &hops);
    if (!f->dest) {
        /* a loop, a link not allowed, or what lstat said */
    }
    else if (st.st_mode && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* a device, FIFO or socket (or a link to one): written in place */
        f->fd = open(f->dest, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
    }
    else if (!st.st_mode && hops > 0 && stat(path, &through) == 0 &&
             !S_ISREG(through.st_mode) && !S_ISDIR(through.st_mode)) {
        /* links that only the kernel follows (/dev/stdout to
         * /proc/self/fd/1 to "pipe:[...]"), to a pipe, socket or device */
        f->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    }
    else if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
    }
    else {
        f->fd = create_temporary(f, &st, draw ? draw : os_draw, ctx);
    }
    if (f->fd < 0) {
        int saved = errno;
        ts_output_discard(f);
        return ts_error_set(err, saved == ENOMEM ? TS_ERR_NOMEM : TS_ERR_OS, saved, "%s",
                            strerror(saved));
    }
    return 0;
}

int
ts_output_commit(ts_output_file_t *f, ts_error_t *err)
{
    int saved = 0;

    if (f->fd >= 0 && close(f->fd) != 0)
        saved = errno;
    f->fd = -1;
    if (!saved && f->tmp && rename(f->tmp, f->dest) != 0)
        saved = errno;
    if (saved) {
        ts_output_discard(f);
        return ts_error_set(err, TS_ERR_OS, saved, "%s", strerror(saved));
    }
    free(f->tmp);
    free(f->dest);
    f->tmp = f->dest = NULL;
    return 0;
}

void
ts_output_discard(ts_output_file_t *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    free(f->dest);
    f->fd = -1;
    f->tmp = f->dest = NULL;
}

/* Opens the destination as a stream: path (ts_output_open, *f filled), or,
 * for NULL, a close-on-exec duplicate of standard output (f->dest NULL).
 * Returns NULL with errno set. */
static FILE *
open_output(const char *path, ts_output_file_t *f)
{
    ts_error_t err;
    FILE *out;

    f->fd = -1;
    f->dest = f->tmp = NULL;
    if (!path) {
        fflush(stdout);
        f->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
    }
    else if (ts_output_open(path, NULL, NULL, f, &err) != 0) {
        errno = err.sys_errno;
        return NULL;
    }
    out = f->fd >= 0 ? fdopen(f->fd, "w") : NULL;
    if (out) {
        f->fd = -1; /* the stream closes it */
    }
    else {
        int saved = errno;
        ts_output_discard(f);
        errno = saved;
    }
    return out;
}

/* Writes one report to path (atomically) or stdout.  json_model: write the
 * model as JSON; otherwise render the JSON profile json[0..len) as text or
 * HTML.  Returns 0; or -1 with errno (EINVAL: not a profile, the reason in
 * why). */
static int
write_output(const char *path, ts_output_format_t format, const ts_model_t *json_model,
             const char *json, size_t len, const ts_report_opts_t *opts,
             const ts_html_assets_t *assets, char *why, size_t why_size)
{
    ts_output_file_t file;
    ts_error_t err;
    FILE *out;
    int rc, saved_errno;

    out = open_output(path, &file);
    if (!out) {
        rc = -1;
    }
    else if (json_model) {
        rc = ts_report_json(json_model, opts, out);
    }
    else {
        rc = ts_report_render(json, len,
                              format == TS_OUTPUT_TEXT ? TS_REPORT_FORMAT_TEXT
                                                       : TS_REPORT_FORMAT_HTML,
                              opts, assets, out, why, why_size);
    }
    saved_errno = errno;
    if (out && fclose(out) != 0 && rc == 0) {
        rc = -1;
        saved_errno = errno;
    }
    if (out && rc == 0 && ts_output_commit(&file, &err) != 0) {
        rc = -1;
        saved_errno = err.sys_errno;
    }
    else if (rc != 0) {
        ts_output_discard(&file);
    }
    errno = saved_errno ? saved_errno : EIO;
    return rc;
}

/* The failure of write_output (errno, why) as *err; returns -1. */
static int
output_error(ts_error_t *err, int sys_errno, const char *why)
{
    if (sys_errno == EINVAL && why[0]) {
        return ts_error_set(err, TS_ERR_FORMAT, sys_errno, "%s", why);
    }
    return ts_error_set(err, sys_errno == ENOMEM ? TS_ERR_NOMEM : TS_ERR_OS, sys_errno, "%s",
                        why[0] ? why : strerror(sys_errno));
}

int
ts_output_write_model(const char *path, ts_output_format_t format, const ts_model_t *m,
                      const ts_report_opts_t *o, const ts_html_assets_t *assets,
                      ts_error_t *err)
{
    char why[REASON_SIZE] = "";
    char *json = NULL;
    size_t len = 0;
    int rc, saved_errno;

    if (format == TS_OUTPUT_JSON) {
        rc = write_output(path, format, m, NULL, 0, o, NULL, why, sizeof why);
        return rc == 0 ? 0 : output_error(err, errno, why);
    }
    /* the JSON profile, in memory, as --json would write it */
    FILE *mem = open_memstream(&json, &len);
    rc = mem ? ts_report_json(m, o, mem) : -1;
    if (mem && fclose(mem) != 0)
        rc = -1;
    if (rc == 0)
        rc = write_output(path, format, NULL, json, len, o, assets, why, sizeof why);
    saved_errno = errno;
    free(json);
    return rc == 0 ? 0 : output_error(err, saved_errno, why);
}

int
ts_output_write_profile(const char *path, ts_output_format_t format, const char *json,
                        size_t len, const ts_report_opts_t *o,
                        const ts_html_assets_t *assets, ts_error_t *err)
{
    char why[REASON_SIZE] = "";

    if (write_output(path, format, NULL, json, len, o, assets, why, sizeof why) != 0) {
        return output_error(err, errno, why);
    }
    return 0;
}
