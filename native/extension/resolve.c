/* resolve.c -- raw code pointers to files, functions and lines (see
 * resolve.h).  Owns the strong references to every code object seen and
 * the line cache. */
#include "resolve.h"

#include <Python.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "hashmap.h"
#include "pycompat/pycompat.h"
#include "safe_read.h"

typedef struct code_entry {
    PyObject *code; /* strong reference */
    ts_code_ref_t ref;
} code_entry_t;

/* Owner: the drain, under the GIL. */
static code_entry_t *codes;
static size_t n_codes, cap_codes;
static ts_hashmap_t code_index;  /* (code pointer, 0) -> index in codes */
static ts_hashmap_t line_cache;  /* (code pointer, offset) -> line */

/* Copies the start of the object and checks it is a live code object with
 * the expected first line.  A freed block has an allocator link (a pointer
 * or 0) where the reference count was, and rarely the right type. */
static int
looks_alive(const ts_frame_t *frame)
{
    struct {
        Py_ssize_t refcnt;
        PyTypeObject *type;
    } head;
    int firstlineno;
    if (ts_safe_read(&head, frame->code, sizeof head) < 0)
        return 0;
    if (head.type != &PyCode_Type || head.refcnt <= 0 || head.refcnt > (Py_ssize_t)0xFFFFFFFF)
        return 0;
    if (ts_safe_read(&firstlineno, (const char *)frame->code + ts_py_code_firstlineno_offset(),
                     sizeof firstlineno) < 0)
        return 0;
    return firstlineno == frame->firstlineno;
}

static int
add_code(PyCodeObject *co, ts_code_ref_t *out)
{
    if (n_codes == cap_codes) {
        size_t cap = cap_codes ? cap_codes * 2 : 256;
        code_entry_t *p = realloc(codes, cap * sizeof *p);
        if (!p)
            return -1;
        codes = p;
        cap_codes = cap;
    }
    const char *filename = PyUnicode_AsUTF8(co->co_filename);
    if (!filename) {
        PyErr_Clear();
        return -1;
    }
    ts_code_ref_t ref = {.file = ts_agg_file(filename), .func = -1, .shown = 0};
    if (ref.file < 0)
        return -1;
    ref.shown = ts_agg_file_shown(ref.file);
    if (ref.shown) {
        PyObject *name = ts_py_code_display_name(co);
        const char *cname = name ? PyUnicode_AsUTF8(name) : NULL;
        if (!cname)
            PyErr_Clear();
        ref.func = ts_agg_function(ref.file, cname ? cname : "<unknown>", co->co_firstlineno);
        Py_XDECREF(name);
    }
    if (ts_hashmap_put(&code_index, (uint64_t)(uintptr_t)co, 0, n_codes) < 0)
        return -1;
    Py_INCREF(co);
    codes[n_codes].code = (PyObject *)co;
    codes[n_codes].ref = ref;
    n_codes++;
    *out = ref;
    return 0;
}

int
ts_resolve_code(const ts_frame_t *frame, ts_code_ref_t *out)
{
    uint64_t idx;
    if (ts_hashmap_get(&code_index, (uint64_t)(uintptr_t)frame->code, 0, &idx)) {
        *out = codes[idx].ref;
        return 0;
    }
    if (n_codes >= TS_MAX_CODES || !looks_alive(frame))
        return -1;
    return add_code((PyCodeObject *)frame->code, out);
}

int
ts_resolve_line(const ts_frame_t *frame)
{
    uint64_t line;
    uint64_t key = (uint64_t)(uintptr_t)frame->code;
    if (ts_hashmap_get(&line_cache, key, (uint64_t)frame->offset, &line))
        return (int)line;
    int l = ts_py_code_line((PyCodeObject *)frame->code, frame->offset);
    ts_hashmap_put(&line_cache, key, (uint64_t)frame->offset, (uint64_t)l);
    return l;
}

void
ts_resolve_reset(void)
{
    for (size_t i = 0; i < n_codes; i++)
        Py_DECREF(codes[i].code);
    free(codes);
    codes = NULL;
    n_codes = cap_codes = 0;
    ts_hashmap_clear(&code_index);
    ts_hashmap_clear(&line_cache);
}
