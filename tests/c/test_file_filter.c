/* Unit tests for file_filter.h: which files a profile shows (program folder,
 * library prefixes, --profile-all, --profile-only, --profile-exclude). */
#include "check.h"
#include "file_filter.h"

static void
test_filter_rules(void)
{
    const char *lib[] = {"/proj/.venv", "/usr/lib/python3.11", NULL};
    const char *never[] = {"/proj/src/triscope", NULL};
    ts_filter_t f;
    CHECK(ts_filter_init(&f, "/proj/", 0, NULL, "", lib, never) == 0);
    CHECK(ts_filter_shows(&f, "/proj/app.py"));
    CHECK(ts_filter_shows(&f, "/proj/pkg/mod.py"));
    CHECK(!ts_filter_shows(&f, "/project/app.py")); /* prefix, not a parent */
    CHECK(!ts_filter_shows(&f, "/proj/.venv/lib/x.py"));
    CHECK(!ts_filter_shows(&f, "/proj/src/triscope/cli.py"));
    CHECK(!ts_filter_shows(&f, "/usr/lib/python3.11/json/__init__.py"));
    CHECK(!ts_filter_shows(&f, "<string>"));
    CHECK(!ts_filter_shows(&f, "relative.py"));
    ts_filter_free(&f);

    CHECK(ts_filter_init(&f, "/proj", 1, NULL, "json,,skip", lib, never) == 0);
    CHECK(f.n_exclude == 2);
    CHECK(ts_filter_shows(&f, "/usr/lib/python3.11/csv.py"));
    CHECK(!ts_filter_shows(&f, "/usr/lib/python3.11/json/__init__.py"));
    CHECK(!ts_filter_shows(&f, "/proj/skip_me.py"));
    CHECK(!ts_filter_shows(&f, "/proj/src/triscope/cli.py")); /* never, even with --profile-all */
    ts_filter_free(&f);

    CHECK(ts_filter_init(&f, "/proj", 0, "numpy,mylib", NULL, lib, never) == 0);
    CHECK(ts_filter_shows(&f, "/proj/.venv/lib/numpy/core.py"));
    CHECK(!ts_filter_shows(&f, "/proj/app.py"));
    ts_filter_free(&f);

    CHECK(ts_path_is_under("/a/b", "/a") && ts_path_is_under("/a", "/a") && !ts_path_is_under("/ab", "/a"));
    CHECK(ts_path_is_under("/x", "/"));
}

int
main(void)
{
    RUN(test_filter_rules);
    return CHECK_SUMMARY();
}
