/* ip_classes.c -- see ip_classes.h. */
#include "ip_classes.h"

#include <dlfcn.h>
#include <link.h>
#include <string.h>

#define TS_MAX_RANGES 64

typedef struct ip_range {
    uintptr_t start, end; /* [start, end) */
    enum ts_ip_class cls;
} ip_range_t;

/* Owner: ts_ip_classes_build writes them (sampling stopped); the signal
 * handler reads them. */
static ip_range_t ranges[TS_MAX_RANGES];
static int n_ranges;

/* Owner: ts_ip_classes_build; the loaded object that contains triscope's
 * extension (see build). */
static const char *self_name;

static enum ts_ip_class
class_of_object(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    if (name[0] == '\0' || strncmp(base, "libpython", 9) == 0
        || (self_name && strcmp(name, self_name) == 0))
        return TS_IP_INTERP; /* "" is the main executable */
    if (strncmp(base, "_preload.", 9) == 0 && strstr(name, "triscope"))
        return TS_IP_RUNTIME;
    if (strncmp(base, "libc.so", 7) == 0 || strncmp(base, "libm.so", 7) == 0
        || strncmp(base, "ld-linux", 8) == 0 || strncmp(base, "linux-vdso", 10) == 0
        || strncmp(base, "libpthread", 10) == 0)
        return TS_IP_RUNTIME;
    return TS_IP_OTHER;
}

static int
add_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size, (void)data;
    enum ts_ip_class cls = class_of_object(info->dlpi_name ? info->dlpi_name : "");
    if (cls == TS_IP_OTHER)
        return 0;
    for (int i = 0; i < info->dlpi_phnum && n_ranges < TS_MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        ranges[n_ranges].start = info->dlpi_addr + ph->p_vaddr;
        ranges[n_ranges].end = ranges[n_ranges].start + ph->p_memsz;
        ranges[n_ranges].cls = cls;
        n_ranges++;
    }
    return 0;
}

int
ts_ip_classes_build(const void *self)
{
    Dl_info info;
    self_name = self && dladdr(self, &info) && info.dli_fname ? info.dli_fname : NULL;
    n_ranges = 0;
    dl_iterate_phdr(add_object, NULL);
    /* insertion sort by start: a few dozen entries at most */
    for (int i = 1; i < n_ranges; i++) {
        ip_range_t r = ranges[i];
        int j = i - 1;
        while (j >= 0 && ranges[j].start > r.start) {
            ranges[j + 1] = ranges[j];
            j--;
        }
        ranges[j + 1] = r;
    }
    for (int i = 0; i < n_ranges; i++) {
        if (ranges[i].cls == TS_IP_INTERP)
            return 0;
    }
    return -1;
}

enum ts_ip_class
ts_ip_classify(uintptr_t ip)
{
    int lo = 0, hi = n_ranges - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (ip < ranges[mid].start)
            hi = mid - 1;
        else if (ip >= ranges[mid].end)
            lo = mid + 1;
        else
            return ranges[mid].cls;
    }
    return TS_IP_OTHER;
}
