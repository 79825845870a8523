/* hooks.h -- our own entry points under hidden names, generated from the
 * list in hooks.def, and the helpers that select entries of that list.
 *
 * The exported names (malloc, memcpy, ...) mean different things depending
 * on how the library was loaded.  Preloaded, they are first in the global
 * scope and a call by name reaches our code.  Loaded into a running process
 * with dlopen(RTLD_LOCAL) (got_patch.c), the global scope comes first and a
 * call or address by name reaches libc instead.  The aliases _ts_hook_<name>
 * (hidden, so bound inside the library at link time) always mean our code:
 * use them wherever the library calls or hands out one of its own entry
 * points.  A file that defines entry points (their `home` in hooks.def)
 * defines TS_HOOKS_HOME_<home> as 1 before its first include (real.h
 * includes this header too) and generates their aliases at its end
 * (TS_HOOK_ALIAS_IF_HERE). */
#ifndef TRISCOPE_PRELOAD_HOOKS_H
#define TRISCOPE_PRELOAD_HOOKS_H

#include <pthread.h>
#include <stddef.h>

#define TS_HIDDEN __attribute__((visibility("hidden")))

/* Selectors for the columns of hooks.def: TS_IF_<value>(text) keeps text
 * for the named value of a column and drops it otherwise. */
#define TS_IF_REAL(...) __VA_ARGS__
#define TS_IF_NOREAL(...)
#define TS_IF_EXPORT(...) __VA_ARGS__
#define TS_IF_LOCAL(...)
#define TS_PICK_0(...)
#define TS_PICK_1(...) __VA_ARGS__
#define TS_CAT_(a, b) a##b
#define TS_CAT(a, b) TS_CAT_(a, b)

/* 1 in the file that defines the entries of that home, else 0. */
#ifndef TS_HOOKS_HOME_INTERPOSE
#define TS_HOOKS_HOME_INTERPOSE 0
#endif
#ifndef TS_HOOKS_HOME_THREAD_BIRTH
#define TS_HOOKS_HOME_THREAD_BIRTH 0
#endif
#ifndef TS_HOOKS_HOME_GOT_PATCH
#define TS_HOOKS_HOME_GOT_PATCH 0
#endif
/* TS_IF_HOME(home)(text): text in the home file only. */
#define TS_IF_HOME(home) TS_CAT(TS_PICK_, TS_CAT(TS_HOOKS_HOME_, home))

/* TS_HOOK_INDEX_<name>: the position of each entry in the list (and in
 * got_patch.c's table); TS_N_HOOKS entries in all. */
enum {
#define TS_HOOK(name, ret, params, real, export, home) TS_HOOK_INDEX_##name,
#include "hooks.def"
#undef TS_HOOK
    TS_N_HOOKS
};

/* _ts_hook_<name>: our definition of every listed symbol. */
#define TS_HOOK(name, ret, params, real, export, home) TS_HIDDEN ret _ts_hook_##name params;
#include "hooks.def"
#undef TS_HOOK

/* Defines _ts_hook_<name> as a hidden alias of the function <name> defined
 * in the same file, with the same attributes as libc's declaration (GCC
 * insists: -Wmissing-attributes). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 9
#define TS_COPY_ATTRIBUTES(name) , copy(name)
#else
#define TS_COPY_ATTRIBUTES(name)
#endif
#define TS_HOOK_ALIAS(name)                                              \
    extern __typeof__(name) _ts_hook_##name                              \
        __attribute__((alias(#name), visibility("hidden") TS_COPY_ATTRIBUTES(name)))

/* The alias of an exported entry whose home is the including file.  That
 * file ends with
 *     #define TS_HOOK TS_HOOK_ALIAS_IF_HERE
 *     #include "hooks.def"
 *     #undef TS_HOOK */
#define TS_HOOK_ALIAS_IF_HERE(name, ret, params, real, export, home) \
    TS_IF_HOME(home)(TS_IF_##export(TS_HOOK_ALIAS(name);))

#endif
