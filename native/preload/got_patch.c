/* got_patch.c -- memory profiling without a re-exec: point the GOT entries
 * of every loaded object at our hooks.
 *
 * Problem: LD_PRELOAD is read only at exec, so a process that decides to
 * profile memory after it started (the triscope command itself, a Jupyter
 * kernel, a child interpreter) would have to execute itself again: a second
 * interpreter start-up, ~40 ms on a small VM, paid by every profiled run.
 *
 * Approach: the library is dlopen'ed (RTLD_LOCAL) into the running process
 * and _ts_got_attach() rewrites, in every loaded object except this library
 * and the dynamic loader, each relocation slot (JUMP_SLOT: calls through the
 * PLT; GLOB_DAT and 64-bit absolute: the function's address taken) that
 * names one of our hooks AND currently holds the real function (or, for a
 * lazily bound call not made yet, still points into its own object).  A slot
 * holding anything else (another interposer, a private copy) is left alone,
 * so our hooks always sit in front of exactly the functions they call.
 * Slots in a RELRO range are written between two mprotect calls; a slot in
 * no writable segment of its object is skipped.  Writes are single aligned
 * stores: a thread calling through the slot meanwhile reaches either the
 * real function or our hook, both correct.
 *
 * Later libraries: dlopen itself is NOT hooked, because the loader finds a
 * bare name through the RPATH/RUNPATH of the object that called dlopen,
 * which it learns from the return address: a wrapper would make every
 * dlopen look like ours.  dlsym is hooked instead (nothing in a new library
 * runs before something looked one of its symbols up, CPython's import
 * included): when the loader's count of added objects moved since the last
 * sweep, the hook sweeps again before looking up a symbol in a handle.
 * dlsym(RTLD_NEXT or RTLD_DEFAULT, ...) depends on its caller too, so those
 * leave the hook by a tail call (tests/preload checks that RTLD_NEXT still
 * finds the next definition).  And when a program looks up one of our
 * hooked functions by name (ctypes's CDLL(None).malloc), it gets our hook,
 * as it would have with LD_PRELOAD.
 *
 * Not covered (accepted): constructors of a new library that allocate before
 * any dlsym; dlvsym/dlmopen callers; objects that call malloc & co through
 * pointers they obtained before the attach.
 *
 * Two sets of hooks: all of them (memory profiling), or only pthread_create
 * and dlsym (_ts_got_attach_threads: thread watching for --cpu-only, which
 * must leave the allocator alone).  `patch_mask` says which hooks sweeps
 * patch and the dlsym hook substitutes; attaching all after the threads
 * alone sweeps again.
 *
 * Concurrency: one sweep at a time (sweep_lock, also held across fork so a
 * child never inherits it locked).  dl_iterate_phdr holds the loader's list
 * lock while calling back, so the callback calls nothing that might take the
 * loader's other lock (no dlsym, no dladdr, no malloc).
 */
#define TS_HOOKS_HOME_GOT_PATCH 1 /* hooks.h: _ts_hook_dlsym is defined here */
#include "got_patch.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hooks.h"
#include "os.h"
#include "real.h"

/* One hooked symbol: its name, our function, and the real function that
 * slots must hold to be redirected (looked up at attach). */
typedef struct hook {
    const char *name;
    void *ours;
    void *real;
} hook_t;

/* Every symbol of hooks.def, indexed by TS_HOOK_INDEX_<name>.  Owner:
 * _ts_got_attach writes `real` (under sweep_lock) before the first sweep;
 * read by sweeps (under sweep_lock) and by the dlsym hook (after attached is
 * set, read-only by then). */
static hook_t hooks[TS_N_HOOKS] = {
#define TS_HOOK(name, ret, params, real, export, home) {#name, (void *)_ts_hook_##name, NULL},
#include "hooks.def"
#undef TS_HOOK
};
#define N_HOOKS ((size_t)TS_N_HOOKS)
#define MALLOC_HOOK (&hooks[TS_HOOK_INDEX_malloc])

/* Owner: any thread that sweeps or attaches; one sweep at a time; also
 * taken around fork (pthread_atfork). */
static pthread_mutex_t sweep_lock = PTHREAD_MUTEX_INITIALIZER;
/* Owner: _ts_got_attach(_threads) sets bits (release) once their first
 * sweep finished: 1 << hook index of every hook attached; read by the dlsym
 * hook and the next attach. */
static _Atomic uint64_t attached;
/* Owner: the attaches (under sweep_lock) add the hooks they want before
 * sweeping; read by the sweeps and find_hook. */
static _Atomic uint64_t patch_mask;
#define ALL_HOOKS ((UINT64_C(1) << N_HOOKS) - 1)
#define THREAD_HOOKS \
    ((UINT64_C(1) << TS_HOOK_INDEX_pthread_create) | (UINT64_C(1) << TS_HOOK_INDEX_dlsym))
/* Owner: the sweeps (under sweep_lock): the loader's dlpi_adds at the last
 * sweep. */
static unsigned long long swept_adds;
/* Owner: the first attach (under sweep_lock), which `prepared` then says:
 * the dynamic loader's base address (never patched, nor this library), the
 * page size, and which first characters the names in `hooks` have (so that
 * find_hook skips every other name cheaply).  Read by the sweeps and the
 * dlsym hook. */
static uintptr_t loader_base;
static uintptr_t page_size;
static unsigned char hook_initial[256];
static int prepared;

/* Owner: the sweeps (under sweep_lock): totals of the last sweep, for
 * tests. */
static ts_got_stats_t last_stats;
/* Owner: the sweeps (under sweep_lock): malloc (pthread_create) slots that
 * reach our hook.  None after the first sweep: this process calls malloc
 * (pthread_create) in a way we cannot see, and attaching is declined. */
static uint64_t malloc_slots;
static uint64_t thread_slots;
#define THREAD_HOOK (&hooks[TS_HOOK_INDEX_pthread_create])

/* The hook named `name`, if it is one of those patched now. */
static const hook_t *
find_hook(const char *name)
{
    if (!hook_initial[(unsigned char)name[0]])
        return NULL;
    uint64_t mask = atomic_load_explicit(&patch_mask, memory_order_relaxed);
    for (size_t i = 0; i < N_HOOKS; i++)
        if ((mask >> i & 1) && strcmp(hooks[i].name, name) == 0)
            return &hooks[i];
    return NULL;
}

#if TS_OS_HAVE_GOT_PATCH

/* The parts of one object's dynamic section a sweep needs. */
typedef struct object {
    uintptr_t base;
    const ElfW(Phdr) *phdr;
    size_t phnum;
    const ElfW(Sym) *symtab;
    const char *strtab;
    size_t strsz;
    const ElfW(Rela) *relocs[2];
    size_t relocs_size[2];
    uintptr_t relro_lo, relro_hi; /* pages the loader made read-only */
} object_t;

/* Dynamic-section pointers are relocated in place by glibc, but not on
 * every system: an address below the object's base is still relative. */
static uintptr_t
dyn_address(const object_t *o, ElfW(Addr) value)
{
    return value < o->base ? o->base + value : value;
}

static int
read_dynamic(object_t *o, const ElfW(Dyn) *dyn)
{
    ElfW(Addr) symtab = 0, strtab = 0, jmprel = 0, rela = 0;
    size_t pltrelsz = 0, relasz = 0, relaent = sizeof(ElfW(Rela));
    ElfW(Sxword) pltrel = DT_RELA;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        switch (dyn->d_tag) {
        case DT_SYMTAB: symtab = dyn->d_un.d_ptr; break;
        case DT_STRTAB: strtab = dyn->d_un.d_ptr; break;
        case DT_STRSZ: o->strsz = dyn->d_un.d_val; break;
        case DT_JMPREL: jmprel = dyn->d_un.d_ptr; break;
        case DT_PLTRELSZ: pltrelsz = dyn->d_un.d_val; break;
        case DT_PLTREL: pltrel = (ElfW(Sxword))dyn->d_un.d_val; break;
        case DT_RELA: rela = dyn->d_un.d_ptr; break;
        case DT_RELASZ: relasz = dyn->d_un.d_val; break;
        case DT_RELAENT: relaent = dyn->d_un.d_val; break;
        default: break;
        }
    }
    if (!symtab || !strtab || relaent != sizeof(ElfW(Rela)) || pltrel != DT_RELA)
        return -1;
    o->symtab = (const ElfW(Sym) *)dyn_address(o, symtab);
    o->strtab = (const char *)dyn_address(o, strtab);
    o->relocs[0] = jmprel ? (const ElfW(Rela) *)dyn_address(o, jmprel) : NULL;
    o->relocs_size[0] = jmprel ? pltrelsz : 0;
    o->relocs[1] = rela ? (const ElfW(Rela) *)dyn_address(o, rela) : NULL;
    o->relocs_size[1] = rela ? relasz : 0;
    return 0;
}

/* Whether address a lies in one of the object's loaded segments, writable
 * ones only if `writable`. */
static int
in_segment(const object_t *o, uintptr_t a, int writable)
{
    for (size_t i = 0; i < o->phnum; i++) {
        const ElfW(Phdr) *p = &o->phdr[i];
        if (p->p_type != PT_LOAD || (writable && !(p->p_flags & PF_W)))
            continue;
        uintptr_t lo = o->base + p->p_vaddr;
        if (a >= lo && a - lo < p->p_memsz)
            return 1;
    }
    return 0;
}

/* Stores value into slot (an aligned pointer in the object).  Returns 1 if
 * written, 0 if the slot is in no writable place. */
static int
write_slot(const object_t *o, void **slot, void *value)
{
    uintptr_t a = (uintptr_t)slot;
    if (a >= o->relro_lo && a < o->relro_hi) {
        void *page = (void *)(a & ~(page_size - 1));
        if (mprotect(page, page_size, PROT_READ | PROT_WRITE) != 0)
            return 0;
        __atomic_store_n(slot, value, __ATOMIC_RELEASE);
        mprotect(page, page_size, PROT_READ);
        return 1;
    }
    if (!in_segment(o, a, 1))
        return 0;
    __atomic_store_n(slot, value, __ATOMIC_RELEASE);
    return 1;
}

static void
patch_relocs(const object_t *o, const ElfW(Rela) *r, size_t bytes)
{
    for (size_t i = 0; r && i < bytes / sizeof *r; i++) {
        ts_os_reloc_t type = ts_os_reloc_kind(ELF64_R_TYPE(r[i].r_info));
        unsigned long sym = ELF64_R_SYM(r[i].r_info);
        if (sym == 0 || type == TS_OS_RELOC_OTHER)
            continue;
        if (type != TS_OS_RELOC_JUMP_SLOT && r[i].r_addend != 0)
            continue;
        ElfW(Word) name = o->symtab[sym].st_name;
        if (name >= o->strsz)
            continue;
        const hook_t *h = find_hook(o->strtab + name);
        if (h == NULL)
            continue;
        void **slot = (void **)(o->base + r[i].r_offset);
        void *now = __atomic_load_n(slot, __ATOMIC_RELAXED);
        last_stats.seen++;
        if (now == h->ours) {
            last_stats.already++;
            malloc_slots += h == MALLOC_HOOK;
            thread_slots += h == THREAD_HOOK;
            continue;
        }
        /* A lazily bound call not made yet still points into its own PLT. */
        int lazy = type == TS_OS_RELOC_JUMP_SLOT && in_segment(o, (uintptr_t)now, 0);
        if (now != h->real && !lazy) {
            last_stats.foreign++;
            continue;
        }
        if (write_slot(o, slot, h->ours)) {
            last_stats.patched++;
            malloc_slots += h == MALLOC_HOOK;
            thread_slots += h == THREAD_HOOK;
        }
        else
            last_stats.unwritable++;
    }
}

static int
patch_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    object_t o = {.base = info->dlpi_addr, .phdr = info->dlpi_phdr, .phnum = info->dlpi_phnum};
    if (o.base == loader_base || in_segment(&o, (uintptr_t)_ts_got_attach, 0))
        return 0; /* the dynamic loader, or this library */
    const ElfW(Dyn) *dyn = NULL;
    for (size_t i = 0; i < o.phnum; i++) {
        const ElfW(Phdr) *p = &o.phdr[i];
        if (p->p_type == PT_DYNAMIC)
            dyn = (const ElfW(Dyn) *)(o.base + p->p_vaddr);
        if (p->p_type == PT_GNU_RELRO) {
            o.relro_lo = (o.base + p->p_vaddr) & ~(page_size - 1);
            o.relro_hi = (o.base + p->p_vaddr + p->p_memsz) & ~(page_size - 1);
        }
    }
    if (dyn == NULL || read_dynamic(&o, dyn) != 0)
        return 0;
    last_stats.objects++;
    patch_relocs(&o, o.relocs[0], o.relocs_size[0]);
    patch_relocs(&o, o.relocs[1], o.relocs_size[1]);
    return 0;
}

/* Reads the loader's count of objects ever added (stops at the first). */
static int
read_adds(struct dl_phdr_info *info, size_t size, void *data)
{
    if (size >= offsetof(struct dl_phdr_info, dlpi_adds) + sizeof info->dlpi_adds)
        *(unsigned long long *)data = info->dlpi_adds;
    return 1;
}

/* Sweeps every object if the loader added any since the last sweep (or if
 * forced).  Under sweep_lock. */
static void
sweep_locked(int force)
{
    unsigned long long adds = 0;
    dl_iterate_phdr(read_adds, &adds);
    if (!force && adds != 0 && adds == swept_adds)
        return;
    memset(&last_stats, 0, sizeof last_stats);
    dl_iterate_phdr(patch_object, NULL);
    swept_adds = adds;
    last_stats.sweeps++;
}

#endif /* TS_OS_HAVE_GOT_PATCH */

static void
lock_for_fork(void)
{
    pthread_mutex_lock(&sweep_lock);
}

static void
unlock_after_fork(void)
{
    pthread_mutex_unlock(&sweep_lock);
}

/* Whether another object (an allocator preloaded by the user, say) defines
 * name in front of libc's `real`: patching would then put our hooks, which
 * call libc, in front of calls meant for it.  A non-PIE executable's PLT
 * stub (the canonical address of an imported function) is no definition:
 * its symbol there is undefined (SHN_UNDEF, with the stub as value). */
static int
provided_elsewhere(void *main_program, const char *name, void *real)
{
    void *global = dlsym(main_program, name);
    Dl_info info;
    const ElfW(Sym) *sym = NULL;
    if (global == NULL || global == real || dladdr1(global, &info, (void **)&sym, RTLD_DL_SYMENT) == 0)
        return 0;
    return info.dli_sname != NULL && strcmp(info.dli_sname, name) == 0 && sym != NULL
        && sym->st_shndx != SHN_UNDEF;
}

/* Attaches the hooks in `want` (ALL_HOOKS or THREAD_HOOKS). */
static int
attach_hooks(uint64_t want)
{
#if !TS_OS_HAVE_GOT_PATCH
    (void)want;
    return -1;
#else
    if (_ts_real_preloaded())
        return 0; /* every object already reaches us through the global scope */
    if ((atomic_load_explicit(&attached, memory_order_acquire) & want) == want)
        return 0;
    /* Look-ups that take the loader's lock happen here, outside any
     * dl_iterate_phdr callback. */
    void *main_program = dlopen(NULL, RTLD_LAZY); /* the global scope */
    void *real[N_HOOKS];
    if (main_program == NULL)
        return -1;
    for (size_t i = 0; i < N_HOOKS; i++) {
        real[i] = _ts_real_lookup(hooks[i].name);
        if (!(want >> i & 1))
            continue;
        if (real[i] == NULL
            && (i == TS_HOOK_INDEX_malloc || i == TS_HOOK_INDEX_calloc || i == TS_HOOK_INDEX_free
                || i == TS_HOOK_INDEX_pthread_create))
            return -1; /* nothing to stand in front of */
        if (provided_elsewhere(main_program, hooks[i].name, real[i]))
            return -1;
    }
    pthread_mutex_lock(&sweep_lock);
    if ((atomic_load_explicit(&attached, memory_order_relaxed) & want) != want) {
        if (!prepared) {
            for (size_t i = 0; i < N_HOOKS; i++)
                hooks[i].real = real[i];
            loader_base = (uintptr_t)getauxval(AT_BASE);
            page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
            for (size_t i = 0; i < N_HOOKS; i++)
                hook_initial[(unsigned char)hooks[i].name[0]] = 1;
            pthread_atfork(lock_for_fork, unlock_after_fork, unlock_after_fork);
            prepared = 1;
        }
        atomic_fetch_or_explicit(&patch_mask, want, memory_order_relaxed);
        sweep_locked(1);
        int ok = want & (UINT64_C(1) << TS_HOOK_INDEX_malloc) ? malloc_slots > 0
                                                               : thread_slots > 0;
        if (ok)
            atomic_fetch_or_explicit(&attached, want, memory_order_release);
    }
    int ok = (atomic_load_explicit(&attached, memory_order_relaxed) & want) == want;
    pthread_mutex_unlock(&sweep_lock);
    return ok ? 0 : -1;
#endif
}

int
_ts_got_attach(void)
{
    return attach_hooks(ALL_HOOKS);
}

int
_ts_got_attach_threads(void)
{
    return attach_hooks(THREAD_HOOKS);
}

void
_ts_got_stats(ts_got_stats_t *out)
{
    pthread_mutex_lock(&sweep_lock);
    *out = last_stats;
    pthread_mutex_unlock(&sweep_lock);
}

/* Sweeps if the loader added objects since the last sweep. */
static __attribute__((noinline)) void
sweep_if_new_objects(void)
{
#if TS_OS_HAVE_GOT_PATCH
    pthread_mutex_lock(&sweep_lock);
    sweep_locked(0);
    pthread_mutex_unlock(&sweep_lock);
#endif
}

/* Our hook's answer for a looked-up function: the hook if we stand in front
 * of what the loader found. */
static __attribute__((noinline)) void *
substitute(const char *name, void *found)
{
    const hook_t *h = found && name ? find_hook(name) : NULL;
    return h && h->real == found ? h->ours : found;
}

/* Our hook for name, or NULL. */
static __attribute__((noinline)) void *
hook_named(const char *name)
{
    const hook_t *h = name ? find_hook(name) : NULL;
    return h ? h->ours : NULL;
}

/* The dlsym every patched object calls.  RTLD_DEFAULT and RTLD_NEXT depend
 * on the caller (its own scope, the objects after it), so they leave by a
 * tail call that keeps the caller's return address -- except RTLD_DEFAULT
 * asking for a hooked function, whose global definition attach checked is
 * libc's: the hook, as with LD_PRELOAD. */
void *
_ts_hook_dlsym(void *handle, const char *name)
{
    if (handle == RTLD_DEFAULT) {
        void *ours = hook_named(name);
        if (ours != NULL)
            return ours;
        return dlsym(handle, name);
    }
    if (handle == RTLD_NEXT)
        return dlsym(handle, name);
    sweep_if_new_objects();
    return substitute(name, dlsym(handle, name));
}
