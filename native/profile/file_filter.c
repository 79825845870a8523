/* file_filter.c -- which source files a profile shows: the rules of
 * file_filter.h (the program's directory, --profile-all, the paths never
 * shown). */
#include "file_filter.h"

#include <stdlib.h>
#include <string.h>

static char *
dup_dir(const char *s)
{
    size_t n = strlen(s);
    while (n > 1 && s[n - 1] == '/')
        n--;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int
split_csv(const char *csv, char **items, size_t *n)
{
    *n = 0;
    if (!csv)
        return 0;
    const char *p = csv;
    while (*p && *n < TS_FILTER_MAX_ITEMS) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > 0) {
            char *item = malloc(len + 1);
            if (!item)
                return -1;
            memcpy(item, p, len);
            item[len] = '\0';
            items[(*n)++] = item;
        }
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

static int
copy_dirs(const char *const *src, char **items, size_t *n)
{
    *n = 0;
    for (size_t i = 0; src && src[i] && *n < TS_FILTER_MAX_ITEMS; i++) {
        if (!src[i][0])
            continue;
        if (!(items[*n] = dup_dir(src[i])))
            return -1;
        (*n)++;
    }
    return 0;
}

int
ts_filter_init(ts_filter_t *f, const char *root, int profile_all,
               const char *only_csv, const char *exclude_csv,
               const char *const *library, const char *const *never)
{
    memset(f, 0, sizeof *f);
    f->profile_all = profile_all;
    if ((root && !(f->root = dup_dir(root)))
        || split_csv(only_csv, f->only, &f->n_only) < 0
        || split_csv(exclude_csv, f->exclude, &f->n_exclude) < 0
        || copy_dirs(library, f->library_prefixes, &f->n_library) < 0
        || copy_dirs(never, f->never_prefixes, &f->n_never) < 0) {
        ts_filter_free(f);
        return -1;
    }
    return 0;
}

static void
free_items(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i]);
}

void
ts_filter_free(ts_filter_t *f)
{
    free(f->root);
    free_items(f->only, f->n_only);
    free_items(f->exclude, f->n_exclude);
    free_items(f->library_prefixes, f->n_library);
    free_items(f->never_prefixes, f->n_never);
    memset(f, 0, sizeof *f);
}

int
ts_path_is_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return path[0] == '/';
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int
under_any(const char *path, char *const *dirs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ts_path_is_under(path, dirs[i]))
            return 1;
    }
    return 0;
}

static int
contains_any(const char *path, char *const *items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strstr(path, items[i]))
            return 1;
    }
    return 0;
}

int
ts_filter_shows(const ts_filter_t *f, const char *path)
{
    if (!path || path[0] != '/')
        return 0;
    if (under_any(path, f->never_prefixes, f->n_never))
        return 0;
    if (contains_any(path, f->exclude, f->n_exclude))
        return 0;
    if (f->n_only > 0)
        return contains_any(path, f->only, f->n_only);
    if (f->profile_all)
        return 1;
    if (!f->root || !ts_path_is_under(path, f->root))
        return 0;
    return !under_any(path, f->library_prefixes, f->n_library);
}
