"""Build description of the C extension triscope._native.

Declarative on purpose: one Extension built from native/common (pure C,
shared with the C unit tests) and native/extension (the only code that
includes Python.h).  Everything else is in pyproject.toml.
"""
import glob

from setuptools import Extension, setup

sources = sorted(glob.glob("native/common/*.c")) + sorted(
    glob.glob("native/extension/*.c") + ["native/extension/pycompat/pycompat.c"]
)

native = Extension(
    "triscope._native",
    sources=sources,
    include_dirs=["native/common", "native/extension"],
    define_macros=[("_GNU_SOURCE", "1")],
    extra_compile_args=["-std=c11", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden",
                        "-Wno-missing-field-initializers"],
    libraries=["rt", "pthread"],
    depends=sorted(glob.glob("native/**/*.h", recursive=True)
                   + glob.glob("native/extension/pycompat/*.inc.c")),
)

setup(ext_modules=[native])
