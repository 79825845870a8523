/* Tests for native/profile/profile_output.c: the format names, a model and
 * a saved profile written to a path (the file complete, no temporary file
 * left behind, an existing file replaced) or to standard output, and each
 * failure reported as its ts_error_t kind with nothing left on disk; and
 * how an output file is opened (issue 15): links planted at temporary names
 * never followed, the mode of an existing file kept and 0666 & ~umask for a
 * new one, a symlinked output left a symlink with its target replaced
 * (but not another user's link in a sticky world-writable directory), a
 * FIFO or device written in place (/dev/null stays a device), every
 * descriptor close-on-exec. */
#include "check.h"
#include "profile_output.h"
#include "report_fixture.h"
#include "test_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const ts_html_assets_t assets = {
    "<style>@TRISCOPE_CSS@</style><script type=\"application/json\">@TRISCOPE_PROFILE@"
    "</script><script type=\"application/json\">@TRISCOPE_OPTIONS@</script>"
    "<script>@TRISCOPE_JS@</script>",
    "body{}", "go();",
};

/* Owner: the test's main thread: the scratch directory and a path in it,
 * and a second directory outside it (what planted links point into). */
static char dir[64];
static char path[128];
static char outside[64];

/* The whole content of file p, or NULL (caller frees). */
static char *
slurp(const char *p)
{
    FILE *f = fopen(p, "r");
    capture_t cap;
    int c;

    if (!f) {
        return NULL;
    }
    FILE *out = capture_begin(&cap);
    while ((c = getc(f)) != EOF) {
        putc(c, out);
    }
    fclose(f);
    return capture_end(&cap);
}

/* Entries in the scratch directory besides . and .. */
static int
entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    if (!d) {
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

/* What ts_report_json writes for the sample model (caller frees). */
static char *
sample_json(const ts_model_t *m)
{
    return report_of(ts_report_json, m, NULL);
}

static void
test_format_names(void)
{
    CHECK(ts_output_format_from_name("json") == TS_OUTPUT_JSON);
    CHECK(ts_output_format_from_name("text") == TS_OUTPUT_TEXT);
    CHECK(ts_output_format_from_name("html") == TS_OUTPUT_HTML);
    CHECK(ts_output_format_from_name("xml") == -1);
    CHECK(ts_output_format_from_name("") == -1);
}

static void
test_model_as_json_and_text(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *want = sample_json(m), *got;
    capture_t cap;

    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    got = slurp(path);
    CHECK(got && strcmp(got, want) == 0);
    CHECK(entries() == 1); /* no temporary file left */
    free(got);

    /* text replaces the file, and is the report drawn from the JSON */
    CHECK(ts_output_write_model(path, TS_OUTPUT_TEXT, m, NULL, NULL, &err) == 0);
    got = slurp(path);
    CHECK(ts_report_render(want, strlen(want), TS_REPORT_FORMAT_TEXT, NULL, NULL,
                           capture_begin(&cap), NULL, 0) == 0);
    capture_end(&cap);
    CHECK(got && cap.buf && strcmp(got, cap.buf) == 0);
    CHECK(has(got, "triscope: prog.py"));
    CHECK(entries() == 1);
    free(got);
    free(cap.buf);
    free(want);
    unlink(path);
    ts_model_free(m);
}

static void
test_profile_as_html(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *json = sample_json(m), *got;

    CHECK(ts_output_write_profile(path, TS_OUTPUT_HTML, json, strlen(json), NULL, &assets,
                                  &err) == 0);
    got = slurp(path);
    CHECK(got && has(got, "<style>body{}</style>") && has(got, "\"program\":\"prog.py\""));
    CHECK(entries() == 1);
    free(got);
    free(json);
    unlink(path);
    ts_model_free(m);
}

static void
test_to_stdout(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *want = sample_json(m), *got;
    int saved, fd;

    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(saved >= 0 && fd >= 0);
    dup2(fd, STDOUT_FILENO);
    close(fd);
    CHECK(ts_output_write_model(NULL, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    got = slurp(path);
    CHECK(got && strcmp(got, want) == 0);
    free(got);
    free(want);
    unlink(path);
    ts_model_free(m);
}

static void
test_not_a_profile(void)
{
    static const char *const bad[] = {"{\"files\": 3}", "not json"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ts_error_t err = {0};
        CHECK(ts_output_write_profile(path, TS_OUTPUT_TEXT, bad[i], strlen(bad[i]), NULL, NULL,
                                      &err) == -1);
        CHECK(err.kind == TS_ERR_FORMAT && err.sys_errno == EINVAL);
        CHECK(strncmp(err.message, "not ", 4) == 0);
        CHECK(entries() == 0); /* nothing written, the temporary file removed */
    }
}

static void
test_bad_assets(void)
{
    static const ts_html_assets_t broken = {"no placeholders", "", ""};
    ts_model_t *m = sample_model();
    ts_error_t err = {0};

    CHECK(ts_output_write_model(path, TS_OUTPUT_HTML, m, NULL, &broken, &err) == -1);
    CHECK(err.kind == TS_ERR_FORMAT && err.sys_errno == EINVAL);
    CHECK(strcmp(err.message, "cannot write the report") == 0);
    CHECK(entries() == 0);
    ts_model_free(m);
}

static void
test_unwritable(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char missing[192];

    snprintf(missing, sizeof missing, "%s/no/such/dir/out.json", dir);
    CHECK(ts_output_write_model(missing, TS_OUTPUT_JSON, m, NULL, NULL, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno == ENOENT);
    CHECK(ts_output_write_profile(missing, TS_OUTPUT_TEXT, "{}", 2, NULL, NULL, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno == ENOENT);
    /* a directory in the way of the rename */
    CHECK(mkdir(path, 0700) == 0);
    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno != 0);
    rmdir(path);
    CHECK(entries() == 0);
    ts_model_free(m);
}

/* Writes s to file p (created or truncated) with mode. */
static void
put_file(const char *p, const char *s, mode_t mode)
{
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
    CHECK(fd >= 0 && write(fd, s, strlen(s)) == (ssize_t)strlen(s));
    close(fd);
}

/* The permission bits of p (following links), or -1. */
static int
mode_of(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* 1 when p is a symlink. */
static int
is_link(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
}

/* A draw of name candidates that counts 1, 2, 3, ... (so a test knows them). */
static uint64_t
counting_draw(void *ctx)
{
    return ++*(uint64_t *)ctx;
}

/* A draw that always says the same: every candidate is the same name. */
static uint64_t
stuck_draw(void *ctx)
{
    (void)ctx;
    return 7;
}

static void
test_planted_links_never_followed(void)
{
    char victim[128], absent[128], link[192];
    ts_output_file_t f;
    ts_error_t err = {0};
    uint64_t counter = 0;

    snprintf(victim, sizeof victim, "%s/victim", outside);
    snprintf(absent, sizeof absent, "%s/created-through-a-link", outside);
    put_file(victim, "precious", 0644);
    /* the old predictable name, and the first four candidates of the draw:
     * three to the victim, one dangling (O_CREAT alone would create it) */
    snprintf(link, sizeof link, "%s.tmp-%ld", path, (long)getpid());
    CHECK(symlink(victim, link) == 0);
    for (int i = 1; i <= 4; i++) {
        snprintf(link, sizeof link, "%s.tmp-%016llx", path, (unsigned long long)i);
        CHECK(symlink(i == 4 ? absent : victim, link) == 0);
    }
    CHECK(ts_output_open(path, counting_draw, &counter, &f, &err) == 0);
    CHECK(counter == 5); /* every planted name skipped, the fifth taken */
    CHECK(f.tmp && has(f.tmp, ".tmp-0000000000000005") && strcmp(f.dest, path) == 0);
    CHECK(write(f.fd, "profile", 7) == 7);
    CHECK(ts_output_commit(&f, &err) == 0);
    char *got = slurp(path), *kept = slurp(victim);
    CHECK(got && strcmp(got, "profile") == 0);
    CHECK(kept && strcmp(kept, "precious") == 0);
    CHECK(access(absent, F_OK) != 0);
    CHECK(mode_of(victim) == 0644);
    CHECK(entries() == 6); /* the output and the five links, untouched */
    free(got);
    free(kept);

    /* through the writers (random names): the old-style link stays unused */
    ts_model_t *m = sample_model();
    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    kept = slurp(victim);
    CHECK(kept && strcmp(kept, "precious") == 0);
    CHECK(entries() == 6);
    free(kept);
    ts_model_free(m);

    /* every candidate taken: fails, creates nothing, follows nothing */
    snprintf(link, sizeof link, "%s.tmp-%016llx", path, 7ULL);
    CHECK(symlink(absent, link) == 0);
    CHECK(ts_output_open(path, stuck_draw, NULL, &f, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno == EEXIST);
    CHECK(f.fd == -1 && f.tmp == NULL && f.dest == NULL);
    CHECK(access(absent, F_OK) != 0);
    CHECK(entries() == 7);

    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            unlinkat(dirfd(d), e->d_name, 0);
        }
    }
    if (d)
        closedir(d);
    unlink(victim);
}

static void
test_existing_mode_kept(void)
{
    static const mode_t modes[] = {0600, 0640, 0604, 0666};
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    mode_t old = umask(022);

    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        put_file(path, "old", 0600);
        CHECK(chmod(path, modes[i]) == 0);
        CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
        CHECK(mode_of(path) == (int)modes[i]);
        CHECK(entries() == 1);
        CHECK(ts_output_write_model(path, TS_OUTPUT_TEXT, m, NULL, NULL, &err) == 0);
        CHECK(mode_of(path) == (int)modes[i]);
        unlink(path);
    }
    /* the existing mode is given as the temporary is opened, before any
     * content, whatever the umask */
    ts_output_file_t f;
    put_file(path, "old", 0644);
    umask(0);
    CHECK(ts_output_open(path, NULL, NULL, &f, &err) == 0);
    CHECK(f.tmp && mode_of(f.tmp) == 0644); /* given once opened */
    ts_output_discard(&f);
    CHECK(entries() == 1);
    unlink(path);
    umask(old);
    ts_model_free(m);
}

static void
test_new_file_gets_umask(void)
{
    static const mode_t masks[] = {022, 077, 027, 0};
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    mode_t old = umask(0);

    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        umask(masks[i]);
        CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
        CHECK(mode_of(path) == (int)(0666 & ~masks[i]));
        unlink(path);
    }
    umask(old);
    ts_model_free(m);
}

static void
test_symlinked_output_stays_a_link(void)
{
    char target[128], link2[128], buf[128];
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *want = sample_json(m), *got;

    snprintf(target, sizeof target, "%s/target.json", outside);
    snprintf(link2, sizeof link2, "%s/link2.json", dir);
    put_file(target, "old", 0600);
    CHECK(symlink(target, path) == 0);     /* absolute */
    CHECK(symlink("out.json", link2) == 0); /* relative, to the first link */
    CHECK(ts_output_write_model(link2, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    CHECK(is_link(path) && is_link(link2));
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    CHECK(n > 0 && (buf[n] = 0, strcmp(buf, target) == 0));
    got = slurp(target);
    CHECK(got && strcmp(got, want) == 0);
    free(got);
    CHECK(mode_of(target) == 0600);
    CHECK(entries() == 2); /* the temporary was made next to the target */
    unlink(target);
    /* a dangling link: its target is created, the link kept */
    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    CHECK(is_link(path));
    got = slurp(target);
    CHECK(got && strcmp(got, want) == 0);
    free(got);
    unlink(target);
    unlink(link2);
    unlink(path);
    /* a loop of links is refused, nothing created */
    CHECK(symlink("out.json", path) == 0);
    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno == ELOOP);
    CHECK(entries() == 1);
    unlink(path);
    free(want);
    ts_model_free(m);
}

static void
test_links_in_sticky_dirs(void)
{
    char sticky[128], link[192], victim[128];
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *got;

    snprintf(sticky, sizeof sticky, "%s/sticky", outside);
    snprintf(link, sizeof link, "%s/out.json", sticky);
    snprintf(victim, sizeof victim, "%s/victim", outside);
    CHECK(mkdir(sticky, 0700) == 0 && chmod(sticky, 01777) == 0);
    CHECK(symlink(victim, link) == 0);
    put_file(victim, "precious", 0644);
    if (geteuid() == 0) {
        /* another user's link in a sticky world-writable directory (what
         * anyone can plant in /tmp): never followed, as the kernel's
         * fs.protected_symlinks=1 would refuse it */
        CHECK(lchown(link, 4242, 4242) == 0);
        CHECK(ts_output_write_model(link, TS_OUTPUT_JSON, m, NULL, NULL, &err) == -1);
        CHECK(err.kind == TS_ERR_OS && err.sys_errno == EACCES);
        got = slurp(victim);
        CHECK(got && strcmp(got, "precious") == 0);
        free(got);
        CHECK(is_link(link));
        /* the directory's owner's link is followed */
        CHECK(chown(sticky, 4242, 4242) == 0 && chmod(sticky, 01777) == 0);
        CHECK(ts_output_write_model(link, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
        got = slurp(victim);
        CHECK(got && has(got, "\"program\":\"prog.py\""));
        free(got);
        CHECK(chown(sticky, 0, 0) == 0 && chmod(sticky, 01777) == 0);
        CHECK(lchown(link, 0, 0) == 0);
        put_file(victim, "precious", 0644);
    }
    /* one's own link is followed */
    CHECK(ts_output_write_model(link, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    got = slurp(victim);
    CHECK(got && has(got, "\"program\":\"prog.py\""));
    free(got);
    CHECK(is_link(link));
    unlink(link);
    unlink(victim);
    rmdir(sticky);
    ts_model_free(m);
}

/* A FIFO's reader: the whole content, into *arg (a capture_t). */
static void *
fifo_reader(void *arg)
{
    capture_t *cap = arg;
    FILE *f = fopen(path, "r");
    FILE *out = capture_begin(cap);
    int c;
    while (f && (c = getc(f)) != EOF) {
        putc(c, out);
    }
    if (f)
        fclose(f);
    capture_end(cap);
    return NULL;
}

static void
test_fifo_written_in_place(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    char *want = sample_json(m);
    capture_t cap = {0};
    pthread_t reader;
    struct stat st;

    CHECK(mkfifo(path, 0600) == 0);
    CHECK(pthread_create(&reader, NULL, fifo_reader, &cap) == 0);
    CHECK(ts_output_write_model(path, TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    pthread_join(reader, NULL);
    CHECK(cap.buf && strcmp(cap.buf, want) == 0);
    CHECK(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode));
    CHECK(entries() == 1);
    free(cap.buf);
    free(want);
    unlink(path);
    ts_model_free(m);
}

static void
test_device_written_in_place(void)
{
    ts_model_t *m = sample_model();
    ts_error_t err = {0};
    ts_output_file_t f;
    struct stat st;
    char link[192];

    /* as root this replaced /dev/null with a regular file */
    CHECK(ts_output_write_model("/dev/null", TS_OUTPUT_JSON, m, NULL, NULL, &err) == 0);
    CHECK(ts_output_write_model("/dev/null", TS_OUTPUT_TEXT, m, NULL, NULL, &err) == 0);
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(lstat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    /* a link to a device: the device written through it, the link kept */
    snprintf(link, sizeof link, "%s/null", dir);
    CHECK(symlink("/dev/null", link) == 0);
    CHECK(ts_output_open(link, NULL, NULL, &f, &err) == 0);
    CHECK(f.tmp == NULL && f.fd >= 0);
    CHECK(ts_output_commit(&f, &err) == 0);
    CHECK(is_link(link) && stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    CHECK(entries() == 1);
    unlink(link);
    ts_model_free(m);
}

static void
test_descriptors_close_on_exec(void)
{
    ts_output_file_t f;
    ts_error_t err = {0};

    CHECK(ts_output_open(path, NULL, NULL, &f, &err) == 0); /* a temporary */
    CHECK(f.tmp != NULL && (fcntl(f.fd, F_GETFD) & FD_CLOEXEC));
    CHECK((fcntl(f.fd, F_GETFL) & O_ACCMODE) == O_WRONLY);
    ts_output_discard(&f);
    CHECK(ts_output_open("/dev/null", NULL, NULL, &f, &err) == 0); /* in place */
    CHECK(f.tmp == NULL && (fcntl(f.fd, F_GETFD) & FD_CLOEXEC));
    ts_output_discard(&f);
    CHECK(entries() == 0);
}

static void
test_no_temporary_left_on_failure(void)
{
    ts_output_file_t f;
    ts_error_t err = {0};

    /* discarded: the destination as it was */
    put_file(path, "old", 0644);
    CHECK(ts_output_open(path, NULL, NULL, &f, &err) == 0);
    CHECK(write(f.fd, "new", 3) == 3);
    ts_output_discard(&f);
    char *got = slurp(path);
    CHECK(got && strcmp(got, "old") == 0);
    free(got);
    CHECK(entries() == 1);
    /* the rename fails (a non-empty directory took the place) */
    CHECK(ts_output_open(path, NULL, NULL, &f, &err) == 0);
    unlink(path);
    char inner[192];
    snprintf(inner, sizeof inner, "%s/x", path);
    CHECK(mkdir(path, 0700) == 0 && mkdir(inner, 0700) == 0);
    CHECK(ts_output_commit(&f, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno != 0);
    CHECK(f.fd == -1 && f.tmp == NULL);
    CHECK(entries() == 1);
    rmdir(inner);
    /* a directory as the output: refused before anything is created */
    CHECK(ts_output_open(path, NULL, NULL, &f, &err) == -1);
    CHECK(err.kind == TS_ERR_OS && err.sys_errno == EISDIR);
    CHECK(entries() == 1);
    rmdir(path);
}

int
main(void)
{
    snprintf(dir, sizeof dir, "/tmp/ts_output_XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(outside, sizeof outside, "/tmp/ts_output_outside_XXXXXX");
    if (!mkdtemp(outside)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/out.json", dir);
    RUN(test_format_names);
    RUN(test_model_as_json_and_text);
    RUN(test_profile_as_html);
    RUN(test_to_stdout);
    RUN(test_not_a_profile);
    RUN(test_bad_assets);
    RUN(test_unwritable);
    RUN(test_planted_links_never_followed);
    RUN(test_existing_mode_kept);
    RUN(test_new_file_gets_umask);
    RUN(test_symlinked_output_stays_a_link);
    RUN(test_links_in_sticky_dirs);
    RUN(test_fifo_written_in_place);
    RUN(test_device_written_in_place);
    RUN(test_descriptors_close_on_exec);
    RUN(test_no_temporary_left_on_failure);
    rmdir(dir);
    rmdir(outside);
    return CHECK_SUMMARY();
}
