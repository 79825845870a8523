/* report_html.c -- the HTML report: one self-contained page.
 *
 * The page is a template (src/triscope/report/template.html) whose
 * JavaScript draws everything from the JSON profile embedded in it, so this
 * writer only assembles text: the template, with the CSS, the JavaScript,
 * the profile and the options put in place of four placeholders.  The one
 * thing the options add to the profile is which lines and functions the
 * reduced view keeps, decided here by the rule of report_common.c
 * (ts_report_shown), so that the page never decides it itself.  Nothing is
 * fetched when the page is opened (no network, works from file://), and
 * the page draws the same report `triscope view --html` draws from the
 * saved JSON, because both embed that JSON byte for byte.
 *
 * Safety: the profile holds source text and file names of the profiled
 * program, which may contain markup ("</script><script>...").  Two layers
 * keep it inert:
 *   - here, every '<', '>' and '&' byte of the profile (which in valid JSON
 *     can only sit inside a string) is written as \u003c, \u003e, \u0026,
 *     and U+2028/U+2029 as \u2028/\u2029, so no byte sequence of the data
 *     can close the <script type="application/json"> element that holds it
 *     or start a comment; a JSON parser restores the original characters;
 *   - in the page, the script reads the data with JSON.parse and puts text
 *     into the document only through textContent, never as markup.
 * The assets are ours, but are checked anyway: CSS must not contain
 * "</style" nor the JavaScript "</script" or "<!--".
 */
#include "report.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

#include "json_writer.h"

enum { PH_CSS, PH_JS, PH_PROFILE, PH_OPTIONS, PH_COUNT };

/* Placeholder names, indexed by the enum above.  Owner: immutable; read by
 * ts_report_html. */
static const char *const placeholders[PH_COUNT] = {
    "@TRISCOPE_CSS@", "@TRISCOPE_JS@", "@TRISCOPE_PROFILE@", "@TRISCOPE_OPTIONS@",
};

/* Whether s contains needle, ignoring ASCII case. */
static int
contains_nocase(const char *s, const char *needle)
{
    size_t n = strlen(needle);
    for (; *s; s++) {
        if (strncasecmp(s, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* The placeholder that starts at p, or -1. */
static int
placeholder_at(const char *p)
{
    for (int k = 0; k < PH_COUNT; k++) {
        if (strncmp(p, placeholders[k], strlen(placeholders[k])) == 0) {
            return k;
        }
    }
    return -1;
}

/* Writes json[0..len) with the five dangerous characters escaped. */
static void
put_profile(const char *json, size_t len, FILE *out)
{
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)json[i];
        const char *esc = NULL;
        size_t skip = 1;

        if (c == '<') {
            esc = "\\u003c";
        }
        else if (c == '>') {
            esc = "\\u003e";
        }
        else if (c == '&') {
            esc = "\\u0026";
        }
        else if (c == 0xE2 && i + 2 < len && (unsigned char)json[i + 1] == 0x80 &&
                 ((unsigned char)json[i + 2] == 0xA8 || (unsigned char)json[i + 2] == 0xA9)) {
            esc = (unsigned char)json[i + 2] == 0xA8 ? "\\u2028" : "\\u2029";
            skip = 3;
        }
        if (!esc) {
            continue;
        }
        fwrite(json + run, 1, i - run, out);
        fputs(esc, out);
        i += skip - 1;
        run = i + 1;
    }
    fwrite(json + run, 1, len - run, out);
}

/* "matters": {"<path>": {"lines": [lineno, ...], "functions": [[lineno,
 * "name"], ...]}}: the lines and functions of each file that a reduced
 * profile keeps under o (whatever o->reduced says: the page's toggle may
 * turn the reduced view on). */
static void
put_matters(ts_json_t *j, const ts_model_t *m, const ts_report_opts_t *o)
{
    ts_report_opts_t reduced = *o;

    reduced.reduced = 1;
    ts_json_key(j, "matters");
    ts_json_begin_object(j);
    for (size_t i = 0; i < m->n_files; i++) {
        const ts_model_file_t *f = &m->files[i];
        ts_json_key(j, f->path);
        ts_json_begin_object(j);
        ts_json_key(j, "lines");
        ts_json_begin_array(j);
        for (size_t k = 0; k < f->n_lines; k++) {
            if (ts_report_line_shown(m, &reduced, &f->lines[k])) {
                ts_json_int(j, f->lines[k].lineno);
            }
        }
        ts_json_end_array(j);
        ts_json_key(j, "functions");
        ts_json_begin_array(j);
        for (size_t k = 0; k < f->n_functions; k++) {
            const ts_model_function_t *fn = &f->functions[k];
            if (ts_report_function_shown(m, &reduced, fn)) {
                ts_json_begin_array(j);
                ts_json_int(j, fn->lineno);
                ts_json_string(j, fn->name);
                ts_json_end_array(j);
            }
        }
        ts_json_end_array(j);
        ts_json_end_object(j);
    }
    ts_json_end_object(j);
}

/* The options the page starts with, as JSON: the thresholds (the page
 * names them) and, with a model, what the reduced view keeps. */
static void
put_options(const ts_model_t *m, const ts_report_opts_t *o, FILE *out)
{
    ts_json_t j;

    ts_json_init(&j, out);
    ts_json_begin_object(&j);
    ts_json_kv_bool(&j, "reduced", o->reduced);
    ts_json_kv_double(&j, "cpu_percent_threshold", o->cpu_percent_threshold);
    ts_json_kv_double(&j, "malloc_threshold_mb", o->malloc_threshold_mb);
    if (m) {
        put_matters(&j, m, o);
    }
    ts_json_end_object(&j);
    ts_json_finish(&j);
}

int
ts_report_html(const char *json, size_t len, const ts_model_t *m, const ts_report_opts_t *o,
               const ts_html_assets_t *assets, FILE *out)
{
    ts_report_opts_t opts = ts_report_opts_resolve(o);
    const char *p, *run;
    int seen[PH_COUNT] = {0};

    if (!assets || !assets->page || !assets->css || !assets->js ||
        contains_nocase(assets->css, "</style") || contains_nocase(assets->js, "</script") ||
        strstr(assets->js, "<!--")) {
        errno = EINVAL;
        return -1;
    }
    for (p = assets->page; (p = strchr(p, '@')) != NULL; p++) {
        int k = placeholder_at(p);
        if (k >= 0) {
            seen[k]++;
        }
    }
    for (int k = 0; k < PH_COUNT; k++) {
        if (seen[k] != 1) {
            errno = EINVAL;
            return -1;
        }
    }
    for (run = p = assets->page; (p = strchr(p, '@')) != NULL;) {
        int k = placeholder_at(p);
        if (k < 0) {
            p++;
            continue;
        }
        fwrite(run, 1, (size_t)(p - run), out);
        switch (k) {
        case PH_CSS: fputs(assets->css, out); break;
        case PH_JS: fputs(assets->js, out); break;
        case PH_PROFILE: put_profile(json, len, out); break;
        default: put_options(m, &opts, out); break;
        }
        p += strlen(placeholders[k]);
        run = p;
    }
    fputs(run, out);
    if (fflush(out) != 0 || ferror(out)) {
        return -1; /* errno set by stdio */
    }
    return 0;
}
