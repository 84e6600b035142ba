"""Build script: only the compiled extension lives here (metadata: pyproject.toml).

The extension is optional.  If it cannot be built (no compiler, no headers) the
package installs as pure Python and runs on the NumPy fallback:
  FASTACT_NO_EXTENSIONS=1       skip the build on purpose
  FASTACT_REQUIRE_EXTENSIONS=1  make a failed build an error

On x86-64 the kernels (csrc/kernels.c) are compiled three times, for baseline
x86-64, AVX2+FMA and AVX-512, and the best one is chosen at import by CPUID.
"""
import glob
import os
import platform
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

CSRC = "csrc"
WARN = ["-Wall", "-Wextra"]
# No -ffast-math: it would drop NaN/inf semantics.  No contraction either, so a
# value is bit-identical whichever kernel (fused or separate) computes it.
FLOAT_FLAGS = ["-O3", "-ffp-contract=off", "-fno-trapping-math"]
X86_LEVELS = {
    "avx2": ["-mavx2", "-mfma"],
    "avx512": ["-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx512bw", "-mavx2", "-mfma",
               "-mprefer-vector-width=512"],
}


def _env_on(name):
    return os.environ.get(name, "") not in ("", "0")


def _is_x86_64():
    return platform.machine().lower() in ("x86_64", "amd64") and sys.maxsize > 2**32


class BuildExt(build_ext):
    """Adds the per-ISA kernel objects and turns a failed build into a warning."""

    def build_extension(self, ext):
        try:
            self._add_kernel_levels(ext)
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001 - any compiler failure
            if _env_on("FASTACT_REQUIRE_EXTENSIONS"):
                raise
            _warn_box(exc)

    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - e.g. no compiler found at all
            if _env_on("FASTACT_REQUIRE_EXTENSIONS"):
                raise
            _warn_box(exc)

    def _add_kernel_levels(self, ext):
        unix = self.compiler.compiler_type == "unix"
        extra = (FLOAT_FLAGS + WARN) if unix else []
        levels = {"baseline": []}
        if unix and _is_x86_64():
            levels.update(X86_LEVELS)
        objects = []
        kernel_sources = glob.glob(os.path.join(CSRC, "**", "*.[ch]"), recursive=True) + \
            glob.glob(os.path.join(CSRC, "*.def"))
        # the extension must be relinked when any kernel source changes
        ext.depends = sorted(set(ext.depends) | set(kernel_sources))
        for level, flags in levels.items():
            objects += self.compiler.compile(
                [os.path.join(CSRC, "kernels.c")],
                output_dir=os.path.join(self.build_temp, "kernels_" + level),
                macros=[("FA_LEVEL", level)],
                include_dirs=[CSRC],
                extra_postargs=extra + flags,
                depends=kernel_sources,
            )
            if level != "baseline":
                ext.define_macros.append(("FA_COMPILED_" + level.upper(), "1"))
        ext.extra_objects = objects


def _warn_box(exc):
    import textwrap

    reason = textwrap.wrap(f"{type(exc).__name__}: {exc}", 70, max_lines=3)
    lines = [
        "WARNING: fastact's C extension could not be built:",
        *("  " + line for line in reason),
        "fastact is installed as pure Python (NumPy fallback): same API,",
        "same results, slower.  Set FASTACT_REQUIRE_EXTENSIONS=1 to make",
        "this an error.",
    ]
    width = max(len(line) for line in lines) + 2
    print("\n+" + "-" * width + "+", file=sys.stderr)
    for line in lines:
        print("| " + line.ljust(width - 1) + "|", file=sys.stderr)
    print("+" + "-" * width + "+\n", file=sys.stderr)


def _extensions():
    if _env_on("FASTACT_NO_EXTENSIONS"):
        return []
    try:
        import numpy
        from Cython.Build import cythonize
    except ImportError as exc:
        if _env_on("FASTACT_REQUIRE_EXTENSIONS"):
            raise
        _warn_box(exc)
        return []
    ext = Extension(
        "fastact._ufuncs",
        sources=["fastact/_ufuncs.pyx", f"{CSRC}/dispatch.c", f"{CSRC}/ufunc_glue.c"],
        include_dirs=[CSRC, "fastact", numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                       ("NPY_TARGET_VERSION", "NPY_1_23_API_VERSION")],
        extra_compile_args=["-O3"] + WARN if os.name != "nt" else [],
    )
    return cythonize([ext], compiler_directives={"language_level": "3"}, quiet=True)


setup(ext_modules=_extensions(), cmdclass={"build_ext": BuildExt})
