/* text_glyphs.c -- what the text report draws from text it does not own:
 * source lines and file names sanitised and cut to a width (control
 * characters and bidirectional overrides shown as '?', tabs expanded, wide
 * characters counted as two columns, "…" where a line is cut), and the
 * sparklines drawn with the block elements U+2581..U+2588.  See
 * report_text.c for why.
 */
#include "text_internal.h"

#include <string.h>

#include "utf8.h"

/* How one source character is displayed. */
typedef struct glyph {
    size_t len;   /* bytes consumed */
    uint32_t cp;  /* what is drawn: the character, '?', ' ' or U+FFFD */
    int cols;     /* columns it takes (a tab: up to the next stop) */
} glyph_t;

/* Decodes the character at s[0..n) drawn at column col of the source text. */
static glyph_t
next_glyph(const char *s, size_t n, int col)
{
    glyph_t g;

    g.len = ts_utf8_decode((const unsigned char *)s, n, &g.cp);
    if (g.cp == '\t') {
        g.cp = ' ';
        g.cols = 8 - col % 8;
        return g;
    }
    if (g.cp < 0x20 || (g.cp >= 0x7F && g.cp < 0xA0) ||
        (g.cp >= 0x2028 && g.cp <= 0x202E) || (g.cp >= 0x2066 && g.cp <= 0x2069)) {
        g.cp = '?'; /* C0/C1 controls, line/paragraph separators, bidi
                       embeddings, overrides and isolates */
    }
    g.cols = ts_utf8_width(g.cp);
    return g;
}

static void
put_glyph(FILE *out, const glyph_t *g)
{
    char buf[4];

    if (g->cp == ' ') {
        for (int i = 0; i < g->cols; i++) {
            putc(' ', out); /* a space, or an expanded tab */
        }
        return;
    }
    fwrite(buf, 1, ts_utf8_encode(g->cp, buf), out);
}

/* Whether s, tabs expanded, fits in budget >= 0 columns (stops reading as
 * soon as it cannot: source lines can be megabytes of minified code). */
static int
text_fits(const char *s, int budget)
{
    size_t n = strlen(s);
    int col = 0;

    for (size_t i = 0; i < n && col <= budget;) {
        glyph_t g = next_glyph(s + i, n - i, col);
        col += g.cols;
        i += g.len;
    }
    return col <= budget;
}

/* Writes s sanitised (see report_text.c) in at most budget columns,
 * ending with "…" when it had to be cut; budget < 0 means no limit. */
void
ts_text_put(FILE *out, const char *s, int budget)
{
    size_t n = strlen(s);
    int col = 0;
    int cut, room;

    if (budget == 0) {
        return;
    }
    cut = budget > 0 && !text_fits(s, budget);
    room = cut ? budget - 1 : budget; /* the ellipsis takes one */

    for (size_t i = 0; i < n;) {
        glyph_t g = next_glyph(s + i, n - i, col);
        if (room >= 0 && col + g.cols > room) {
            break;
        }
        put_glyph(out, &g);
        col += g.cols;
        i += g.len;
    }
    if (cut) {
        fputs(ELLIPSIS, out);
    }
}

/* Writes a sparkline of pts[0..n) (their MB) into buf: at most width block
 * characters (3 bytes each; size >= 3 * width + 1), each the highest value
 * of its stretch of points, scaled to the series' peak.  Returns the
 * characters written (0, and "", when there is nothing above zero). */
int
ts_text_sparkline(char *buf, size_t size, const ts_point_t *pts, size_t n, int width)
{
    static const char blocks[] = "\xE2\x96\x81"; /* U+2581; U+2581 + k for level k */
    double peak = 0.0;
    size_t len = 0;
    int k;

    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        peak = pts[i].mb > peak ? pts[i].mb : peak;
    }
    if (n == 0 || !(peak > 0.0) || width <= 0) {
        return 0;
    }
    k = n < (size_t)width ? (int)n : width;
    for (int i = 0; i < k && len + 4 <= size; i++) {
        size_t lo = (size_t)i * n / (size_t)k, hi = (size_t)(i + 1) * n / (size_t)k;
        double v = 0.0;
        int level;
        for (size_t j = lo; j < hi; j++) {
            v = pts[j].mb > v ? pts[j].mb : v;
        }
        level = (int)(v / peak * 7.0 + 0.5);
        level = level < 0 ? 0 : level > 7 ? 7 : level;
        buf[len++] = blocks[0];
        buf[len++] = blocks[1];
        buf[len++] = (char)(blocks[2] + level);
    }
    buf[len] = '\0';
    return k;
}

/* Display columns of a cell's text (ASCII and block elements: one each). */
int
ts_text_cell_columns(const char *s)
{
    int cols = 0;
    for (; *s; s++) {
        cols += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return cols;
}
