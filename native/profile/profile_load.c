/* profile_load.c -- JSON profile files read into models and merged in
 * order, with one line naming a file that cannot be (see profile_load.h). */
#include "profile_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_from_json.h"
#include "profile_merge.h"

/* Reads all of fd into a malloc'd buffer (*len bytes).  NULL with errno. */
static char *
read_all(int fd, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap), *bigger;

    while (buf) {
        ssize_t got;
        if (n == cap) {
            if (cap >= TS_PROFILE_MAX_BYTES) {
                errno = EFBIG;
                break;
            }
            bigger = realloc(buf, cap * 2);
            if (!bigger) {
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        got = read(fd, buf + n, cap - n);
        if (got == 0) {
            *len = n;
            return buf;
        }
        if (got < 0 && errno != EINTR) {
            break;
        }
        n += got > 0 ? (size_t)got : 0;
    }
    free(buf);
    return NULL;
}

ts_model_t *
ts_model_load_json(const char *path, char *err, size_t errsize)
{
    struct stat sb;
    ts_model_t *m = NULL;
    char *text = NULL;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), saved;

    if (fd >= 0 && fstat(fd, &sb) == 0) {
        if (S_ISDIR(sb.st_mode)) {
            errno = EISDIR;
        }
        else {
            text = read_all(fd, &len);
        }
    }
    saved = errno;
    if (text) {
        m = ts_model_from_json_text(text, len, err, errsize);
        saved = m || errno == ENOMEM ? errno : EINVAL;
    }
    else if (err && errsize) {
        snprintf(err, errsize, "%s", strerror(saved));
    }
    free(text);
    if (fd >= 0) {
        close(fd);
    }
    errno = saved;
    return m;
}

int
ts_model_merge_files(ts_model_t *dst, const char *const *paths, size_t n, FILE *warn,
                     char *err, size_t errsize)
{
    char why[512];

    for (size_t i = 0; i < n; i++) {
        ts_model_t *m = ts_model_load_json(paths[i], why, sizeof why);
        int rc = m ? ts_model_merge(dst, m) : -1;
        int saved = errno;
        if (m && rc < 0) {
            snprintf(why, sizeof why, "out of memory");
        }
        ts_model_free(m);
        if (rc == 0) {
            continue;
        }
        if (warn) {
            fprintf(warn, "triscope: warning: skipped child profile %s: %s\n", paths[i], why);
            continue;
        }
        if (err && errsize) {
            snprintf(err, errsize, saved == EINVAL ? "%s: %s" : "cannot read '%s': %s",
                     paths[i], why);
        }
        errno = saved;
        return -1;
    }
    return 0;
}
