/* profile_model.c -- building, querying and freeing a ts_model_t.
 *
 * The model is plain data (see profile_model.h); this file only manages its
 * memory and keeps two invariants the writers rely on:
 *   - f->lines[i].lineno == i + 1 and every text is an owned, NUL-terminated
 *     string ("" when unknown), so a writer can index lines directly;
 *   - f->functions is sorted by (lineno, name) at all times, so lookups are
 *     binary searches and ts_model_finish need not sort functions.
 *
 * Source text is split the way CPython numbers lines: "\n", "\r\n" and a
 * lone "\r" each end a line, a missing final newline still ends the last
 * line, and a UTF-8 byte order mark at the start of the file is dropped.
 * Bytes are kept as they are (the writers sanitise invalid UTF-8), and a
 * file that cannot be read gets empty lines, never an error: the profile is
 * still worth having without the source.
 *
 * Every allocation failure returns NULL or -1 and leaves the model valid and
 * free of leaks; ts_model_add_file removes a file it could not finish.
 */
#include "profile_model.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define MIN_CAPACITY 16

/* A fresh copy of s[0..n) with a NUL after it, or NULL. */
static char *
copy_bytes(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* Grows the array *arr of elem-sized items so that it holds at least need
 * items, doubling *cap.  Returns 0, or -1 (array untouched) on failure. */
static int
reserve(void **arr, size_t *cap, size_t need, size_t elem)
{
    size_t n = *cap ? *cap : MIN_CAPACITY;
    void *p;

    if (need <= *cap) {
        return 0;
    }
    while (n < need) {
        if (n > ((size_t)-1 / 2) / elem) {
            errno = ENOMEM;
            return -1;
        }
        n *= 2;
    }
    p = realloc(*arr, n * elem);
    if (!p) {
        return -1;
    }
    *arr = p;
    *cap = n;
    return 0;
}

/* Appends one line with text s[0..n).  Returns 0 or -1. */
static int
push_line(ts_model_file_t *f, const char *s, size_t n)
{
    ts_model_line_t *l;
    char *text;

    if (reserve((void **)&f->lines, &f->cap_lines, f->n_lines + 1, sizeof *l) < 0) {
        return -1;
    }
    text = copy_bytes(s, n);
    if (!text) {
        return -1;
    }
    l = &f->lines[f->n_lines];
    memset(l, 0, sizeof *l);
    l->lineno = (int)(f->n_lines + 1);
    l->text = text;
    f->n_lines++;
    return 0;
}

/* Appends empty lines until f has at least n.  Returns 0 or -1 (the lines
 * added before the failure stay). */
static int
grow_lines(ts_model_file_t *f, size_t n)
{
    while (f->n_lines < n) {
        if (push_line(f, "", 0) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Splits s[0..n) into lines ("\n", "\r\n" or "\r" end one; a final line
 * without terminator counts) and appends them.  A BOM is dropped when f has
 * no lines yet.  Returns 0 or -1. */
static int
append_source(ts_model_file_t *f, const char *s, size_t n)
{
    size_t start = 0;

    if (f->n_lines == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        start = 3;
    }
    for (size_t i = start; i < n; i++) {
        if (s[i] != '\n' && s[i] != '\r') {
            continue;
        }
        if (push_line(f, s + start, i - start) < 0) {
            return -1;
        }
        if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n') {
            i++;
        }
        start = i + 1;
    }
    if (start < n) {
        return push_line(f, s + start, n - start);
    }
    return 0;
}

/* Reads path into f.  Anything that is not a readable regular file (missing,
 * a directory, a FIFO such as /dev/stdin that would block) reads as empty.
 * Returns -1 only on allocation failure. */
static int
load_source(ts_model_file_t *f, const char *path)
{
    struct stat sb;
    FILE *fp;
    char *buf = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0) {
        return 0;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return 0;
    }
    fp = fdopen(fd, "rb");
    if (!fp) {
        close(fd);
        return errno == ENOMEM ? -1 : 0;
    }
    /* getline splits at '\n' only; append_source handles "\r" inside a
     * chunk, and a chunk always ends at a '\n' or at end of file. */
    errno = 0;
    while ((len = getline(&buf, &cap, fp)) >= 0) {
        if (append_source(f, buf, (size_t)len) < 0) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && ferror(fp) && errno == ENOMEM) {
        rc = -1; /* other read errors keep the lines read so far */
    }
    free(buf);
    fclose(fp);
    return rc;
}

static void
free_file(ts_model_file_t *f)
{
    for (size_t i = 0; i < f->n_lines; i++) {
        free(f->lines[i].text);
        free(f->lines[i].timeline);
    }
    for (size_t i = 0; i < f->n_functions; i++) {
        free(f->functions[i].name);
    }
    free(f->lines);
    free(f->functions);
    free(f->path);
    memset(f, 0, sizeof *f);
}

ts_model_t *
ts_model_new(void)
{
    return calloc(1, sizeof(ts_model_t));
}

void
ts_model_free(ts_model_t *m)
{
    if (!m) {
        return;
    }
    for (size_t i = 0; i < m->n_files; i++) {
        free_file(&m->files[i]);
    }
    for (size_t i = 0; i < m->n_args; i++) {
        free(m->args[i]);
    }
    free(m->files);
    free(m->args);
    free(m->program);
    free(m->entrypoint_dir);
    free(m->python_version);
    free(m->triscope_version);
    free(m->max_footprint_fname);
    free(m->footprint);
    free(m->gpu_device);
    free(m->gpu_mode);
    free(m);
}

int
ts_model_set_string(char **dst, const char *s)
{
    char *copy = NULL;

    if (s) {
        copy = copy_bytes(s, strlen(s));
        if (!copy) {
            return -1;
        }
    }
    free(*dst);
    *dst = copy;
    return 0;
}

int
ts_model_set_args(ts_model_t *m, const char *const *argv, size_t argc)
{
    char **args;
    size_t i;

    if (argc == 0) {
        return 0;
    }
    if (argc > (size_t)-1 / sizeof(char *) - m->n_args) {
        errno = ENOMEM;
        return -1;
    }
    args = realloc(m->args, (m->n_args + argc) * sizeof(char *));
    if (!args) {
        return -1;
    }
    m->args = args;
    for (i = 0; i < argc; i++) {
        const char *a = argv[i] ? argv[i] : "";
        args[m->n_args + i] = copy_bytes(a, strlen(a));
        if (!args[m->n_args + i]) {
            while (i > 0) {
                free(args[m->n_args + --i]); /* all or nothing */
            }
            return -1;
        }
    }
    m->n_args += argc;
    return 0;
}

ts_model_file_t *
ts_model_find_file(const ts_model_t *m, const char *path)
{
    for (size_t i = 0; i < m->n_files; i++) {
        if (strcmp(m->files[i].path, path) == 0) {
            return &m->files[i];
        }
    }
    return NULL;
}

/* Shared body of the two add_file variants: source is NULL to read path
 * from disk, else the text to use. */
static ts_model_file_t *
add_file(ts_model_t *m, const char *path, const char *source, int min_lines)
{
    ts_model_file_t *f;
    size_t want = min_lines > 0 ? (size_t)min_lines : 0;
    int rc;

    if (!path) {
        path = "";
    }
    f = ts_model_find_file(m, path);
    if (f) {
        return grow_lines(f, want) < 0 ? NULL : f;
    }
    if (reserve((void **)&m->files, &m->cap_files, m->n_files + 1, sizeof *f) < 0) {
        return NULL;
    }
    f = &m->files[m->n_files];
    memset(f, 0, sizeof *f);
    f->path = copy_bytes(path, strlen(path));
    if (!f->path) {
        return NULL;
    }
    m->n_files++;
    if (source) {
        rc = append_source(f, source, strlen(source));
    }
    else {
        rc = load_source(f, path);
    }
    if (rc < 0 || grow_lines(f, want) < 0) {
        free_file(f);
        m->n_files--;
        return NULL;
    }
    return f;
}

ts_model_file_t *
ts_model_add_file(ts_model_t *m, const char *path, int min_lines)
{
    return add_file(m, path, NULL, min_lines);
}

ts_model_file_t *
ts_model_add_file_text(ts_model_t *m, const char *path, const char *source,
                       int min_lines)
{
    return add_file(m, path, source ? source : "", min_lines);
}

ts_model_line_t *
ts_model_line(ts_model_file_t *f, int lineno)
{
    if (lineno < 1) {
        return NULL;
    }
    if ((size_t)lineno > f->n_lines && grow_lines(f, (size_t)lineno) < 0) {
        return NULL;
    }
    return &f->lines[lineno - 1];
}

/* Orders functions by (lineno, name). */
static int
compare_function_key(int lineno, const char *name, const ts_model_function_t *fn)
{
    if (lineno != fn->lineno) {
        return lineno < fn->lineno ? -1 : 1;
    }
    return strcmp(name, fn->name);
}

ts_model_function_t *
ts_model_function(ts_model_file_t *f, const char *name, int lineno)
{
    size_t lo = 0, hi = f->n_functions;
    ts_model_function_t *fn;
    char *copy;

    if (!name) {
        name = "";
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare_function_key(lineno, name, &f->functions[mid]);
        if (c == 0) {
            return &f->functions[mid];
        }
        if (c < 0) {
            hi = mid;
        }
        else {
            lo = mid + 1;
        }
    }
    if (reserve((void **)&f->functions, &f->cap_functions, f->n_functions + 1,
                sizeof *fn) < 0) {
        return NULL;
    }
    copy = copy_bytes(name, strlen(name));
    if (!copy) {
        return NULL;
    }
    fn = &f->functions[lo];
    memmove(fn + 1, fn, (f->n_functions - lo) * sizeof *fn);
    memset(fn, 0, sizeof *fn);
    fn->name = copy;
    fn->lineno = lineno;
    fn->last_lineno = lineno;
    f->n_functions++;
    return fn;
}

void
ts_stats_add(ts_stats_t *a, const ts_stats_t *b)
{
    a->cpu_python_s += b->cpu_python_s;
    a->cpu_native_s += b->cpu_native_s;
    a->sys_s += b->sys_s;
    a->samples += b->samples;
    a->malloc_mb += b->malloc_mb;
    a->python_mb += b->python_mb;
    a->peak_mb = a->peak_mb > b->peak_mb ? a->peak_mb : b->peak_mb;
    a->copy_mb += b->copy_mb;
    a->n_mallocs += b->n_mallocs;
    a->gpu_util_sum += b->gpu_util_sum;
    a->gpu_mem_sum_mb += b->gpu_mem_sum_mb;
    a->gpu_peak_mb = a->gpu_peak_mb > b->gpu_peak_mb ? a->gpu_peak_mb : b->gpu_peak_mb;
    a->gpu_samples += b->gpu_samples;
}

double
ts_stats_total(const ts_stats_t *s)
{
    return s->cpu_python_s + s->cpu_native_s + s->sys_s;
}

ts_stats_t
ts_model_file_totals(const ts_model_file_t *f)
{
    ts_stats_t t = {0};
    for (size_t i = 0; i < f->n_lines; i++) {
        ts_stats_add(&t, &f->lines[i].st);
    }
    return t;
}

double
ts_model_file_time(const ts_model_file_t *f)
{
    ts_stats_t t = ts_model_file_totals(f);
    return ts_stats_total(&t) + f->hidden_s;
}

/* qsort order for files: most time first, then by path for stability.
 * Totals are recomputed per comparison; files are few and this runs once. */
static int
compare_files(const void *a, const void *b)
{
    const ts_model_file_t *fa = a, *fb = b;
    double da = ts_model_file_time(fa), db = ts_model_file_time(fb);

    if (da != db) {
        return da > db ? -1 : 1;
    }
    return strcmp(fa->path, fb->path);
}

void
ts_model_finish(ts_model_t *m)
{
    for (size_t i = 0; i < m->n_files; i++) {
        ts_model_file_t *f = &m->files[i];
        for (size_t k = 0; k < f->n_functions; k++) {
            if (f->functions[k].last_lineno < f->functions[k].lineno) {
                f->functions[k].last_lineno = f->functions[k].lineno;
            }
        }
    }
    if (m->n_files > 1) {
        qsort(m->files, m->n_files, sizeof m->files[0], compare_files);
    }
}

double
ts_model_percent(const ts_model_t *m, double seconds)
{
    if (!(m->total_s > 0.0)) {
        return 0.0;
    }
    return seconds / m->total_s * 100.0;
}

const ts_model_function_t *
ts_model_enclosing_function(const ts_model_file_t *f, int lineno)
{
    size_t lo = 0, hi = f->n_functions;

    /* lo = number of functions starting at or before lineno */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->functions[mid].lineno <= lineno) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    /* Scanning back from the latest start finds the innermost first. */
    while (lo > 0) {
        const ts_model_function_t *fn = &f->functions[--lo];
        if (fn->last_lineno >= lineno) {
            return fn;
        }
    }
    return NULL;
}

void
ts_model_select(ts_model_t *m, const char *path, int first, int last)
{
    m->selected_only = 1;
    for (size_t i = 0; i < m->n_files; i++) {
        ts_model_file_t *f = &m->files[i];
        if (strcmp(f->path, path) != 0) {
            continue;
        }
        for (size_t k = 0; k < f->n_lines; k++) {
            if (f->lines[k].lineno >= first && f->lines[k].lineno <= last) {
                f->lines[k].selected = 1;
            }
        }
        for (size_t k = 0; k < f->n_functions; k++) {
            if (f->functions[k].lineno >= first && f->functions[k].lineno <= last) {
                f->functions[k].selected = 1;
            }
        }
    }
}
