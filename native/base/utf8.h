/* utf8.h -- decoding UTF-8 the way the report writers need it.
 *
 * Source text reaches the reports exactly as it was on disk: it may be
 * Latin-1, cut in the middle of a character, or contain control bytes.  The
 * JSON writer must still emit valid JSON and the text writer must still know
 * how many terminal columns a line takes.  Both walk the bytes with
 * ts_utf8_decode, which never fails: a byte sequence that is not valid UTF-8
 * decodes to U+FFFD, one replacement per "maximal subpart" (the longest
 * prefix of a valid sequence, or one byte), which is what Python's
 * bytes.decode("utf-8", "replace") does.  So "\xE2\x82" (a cut-off euro
 * sign) is one U+FFFD and "\xFF\xFE" is two.
 *
 * Pure functions, no state, safe from any thread.
 */
#ifndef TRISCOPE_UTF8_H
#define TRISCOPE_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define TS_UTF8_REPLACEMENT 0xFFFDu

/* Decodes the character at s[0..n).  Pre: n >= 1.  Stores the code point in
 * *cp (TS_UTF8_REPLACEMENT for invalid bytes, overlong forms, surrogates and
 * values above U+10FFFF) and returns the number of bytes consumed (1..4). */
size_t ts_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Writes the UTF-8 form of cp (pre: a valid scalar value) into buf, which
 * must hold 4 bytes.  Returns its length (1..4); nothing is NUL-terminated. */
size_t ts_utf8_encode(uint32_t cp, char *buf);

/* Terminal columns that cp occupies: 2 for East Asian wide and fullwidth
 * characters and emoji, 0 for combining marks and zero-width characters,
 * 1 otherwise.  Deterministic (does not depend on the C locale, unlike
 * wcwidth); control characters are the caller's business and count as 1. */
int ts_utf8_width(uint32_t cp);

#endif
