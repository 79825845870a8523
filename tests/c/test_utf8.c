/* Tests for native/base/utf8.c: decoding (valid, invalid, maximal
 * subparts), encoding round trips and display widths. */
#include "check.h"
#include "utf8.h"

#include <string.h>

/* Decodes all of s, writing code points to out; returns how many. */
static size_t
decode_all(const char *s, size_t n, uint32_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        i += ts_utf8_decode((const unsigned char *)s + i, n - i, &out[k++]);
    }
    return k;
}

static void
test_valid(void)
{
    uint32_t cp[8];
    const char *s = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"; /* a é € 😀 */
    CHECK(decode_all(s, strlen(s), cp) == 4);
    CHECK(cp[0] == 'a');
    CHECK(cp[1] == 0xE9);
    CHECK(cp[2] == 0x20AC);
    CHECK(cp[3] == 0x1F600);
}

static void
test_invalid(void)
{
    uint32_t cp[8];
    /* cut-off euro sign: one replacement for the two bytes, then 'x' */
    CHECK(decode_all("\xE2\x82x", 3, cp) == 2);
    CHECK(cp[0] == TS_UTF8_REPLACEMENT && cp[1] == 'x');
    /* two stray bytes: two replacements */
    CHECK(decode_all("\xFF\xFE", 2, cp) == 2);
    CHECK(cp[0] == TS_UTF8_REPLACEMENT && cp[1] == TS_UTF8_REPLACEMENT);
    /* overlong '/' and a surrogate */
    CHECK(decode_all("\xC0\xAF", 2, cp) == 2);
    CHECK(decode_all("\xED\xA0\x80", 3, cp) == 3);
    CHECK(cp[0] == TS_UTF8_REPLACEMENT);
    /* above U+10FFFF */
    CHECK(decode_all("\xF4\x90\x80\x80", 4, cp) == 4);
    /* truncated at the end of the buffer */
    CHECK(decode_all("\xF0\x9F\x98", 3, cp) == 1);
    CHECK(cp[0] == TS_UTF8_REPLACEMENT);
    /* lone continuation byte */
    CHECK(decode_all("\x80", 1, cp) == 1);
}

static void
test_encode_roundtrip(void)
{
    static const uint32_t cps[] = {0x24, 0xA2, 0x20AC, 0xFFFD, 0x10348, 0x10FFFF};
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        char buf[4];
        uint32_t back;
        size_t n = ts_utf8_encode(cps[i], buf);
        CHECK(ts_utf8_decode((const unsigned char *)buf, n, &back) == n);
        CHECK(back == cps[i]);
    }
}

static void
test_width(void)
{
    CHECK(ts_utf8_width('a') == 1);
    CHECK(ts_utf8_width(0xE9) == 1);
    CHECK(ts_utf8_width(0x4E2D) == 2);  /* 中 */
    CHECK(ts_utf8_width(0xAC00) == 2);  /* 가 */
    CHECK(ts_utf8_width(0x1F600) == 2); /* 😀 */
    CHECK(ts_utf8_width(0x0301) == 0);  /* combining acute */
    CHECK(ts_utf8_width(0x200B) == 0);  /* zero width space */
    CHECK(ts_utf8_width(0x2026) == 1);  /* … */
}

int
main(void)
{
    RUN(test_valid);
    RUN(test_invalid);
    RUN(test_encode_roundtrip);
    RUN(test_width);
    return CHECK_SUMMARY();
}
