"""Build description of the C extension triscope._native and of the
LD_PRELOAD library triscope._preload.

Declarative on purpose: triscope._native is built from native/base (pure-C
primitives, shared with the preload library), native/profile (the pure-C
profile layer: model, readers, merge, writers; shared with the C unit tests)
and native/extension (the only code that includes Python.h).
triscope._preload is built from native/preload plus native/base, the only
folder it may include; it never includes Python.h or links libpython, is compiled so
that the compiler cannot turn its own code into calls of the functions it
interposes (-fno-builtin, -fno-tree-loop-distribute-patterns), uses
initial-exec TLS only, and exports exactly the symbols in
native/preload/exports.map, which must match the list in
native/preload/hooks.def (tests/preload/run.sh checks all three, with the
same flags).  Everything else is in pyproject.toml.
"""
import glob

from setuptools import Extension, setup

sources = sorted(glob.glob("native/base/*.c")) + sorted(glob.glob("native/profile/*.c")) + sorted(
    glob.glob("native/extension/*.c") + ["native/extension/pycompat/pycompat.c"]
)

native = Extension(
    "triscope._native",
    sources=sources,
    include_dirs=["native/base", "native/profile", "native/extension"],
    define_macros=[("_GNU_SOURCE", "1")],
    extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden",
                        "-Wno-missing-field-initializers"],
    libraries=["rt", "pthread", "dl"],
    depends=sorted(glob.glob("native/**/*.h", recursive=True)
                   + glob.glob("native/extension/pycompat/*.inc.c")),
)

preload = Extension(
    "triscope._preload",
    sources=sorted(glob.glob("native/preload/*.c"))
    + ["native/base/os_linux.c", "native/base/rng.c"],
    include_dirs=["native/base", "native/preload"],
    define_macros=[("_GNU_SOURCE", "1")],
    extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden",
                        "-fno-builtin", "-fno-tree-loop-distribute-patterns", "-fPIC",
                        "-ftls-model=initial-exec", "-U_FORTIFY_SOURCE"],
    extra_link_args=["-Wl,--version-script=native/preload/exports.map"],
    libraries=["dl", "pthread"],
    depends=sorted(glob.glob("native/preload/*.h") + glob.glob("native/base/*.h"))
    + ["native/preload/hooks.def", "native/preload/exports.map"],
)

setup(ext_modules=[native, preload])
