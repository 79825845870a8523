// C++ new/delete through the preload library: operator new calls malloc, so
// a sampled new[] shows up as ALLOC and its delete[] as FREE.  Run with
// LD_PRELOAD; optional (only built when g++ is present).
#include <dlfcn.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

// The C11 header in C++: _Atomic is not a C++ keyword.  Same layout (the
// atomics are plain integers of the same size); this test only reads them
// through the API's functions.
#define _Atomic
extern "C" {
#include "mem_protocol.h"
}
#undef _Atomic

int
main()
{
    auto get = reinterpret_cast<const ts_mem_api_t *(*)()>(dlsym(RTLD_DEFAULT, "triscope_preload_api"));
    int passed = 0, failed = 0;
    auto check = [&](bool ok, const char *what) {
        if (ok) {
            passed++;
        } else {
            failed++;
            std::fprintf(stderr, "CHECK failed: %s\n", what);
        }
    };
    check(get != nullptr, "api found");
    if (get) {
        const ts_mem_api_t *api = get();
        api->configure(64 * 1024, 0, nullptr);
        api->start();
        char *big = new char[1 << 20]; // >= R: always sampled
        big[0] = 1;
        const uintptr_t big_addr = reinterpret_cast<uintptr_t>(big);
        std::vector<std::string> v;
        for (int i = 0; i < 10000; i++)
            v.emplace_back(100 + i % 300, 'x');
        auto u = std::make_unique<std::vector<int>>(1000000);
        delete[] big;
        api->stop();
        int allocs = 0, frees = 0, matched = 0;
        for (const ts_mem_event_t *e; (e = api->peek()) != nullptr; api->pop()) {
            allocs += e->kind == TS_MEM_EV_ALLOC;
            frees += e->kind == TS_MEM_EV_FREE;
            matched += e->kind == TS_MEM_EV_FREE && e->ptr == big_addr
                       && e->weight == (1u << 20);
        }
        check(allocs >= 2, "new[] and make_unique sampled");
        check(matched == 1, "delete[] of the sampled block seen with its weight");
        check(frees >= 1, "frees seen");
    }
    std::printf("test_cxx_new_delete.cpp: %d passed, %d failed\n", passed, failed);
    return failed != 0;
}
