"""Build script: only the compiled extension lives here (metadata: pyproject.toml).

The extension is optional.  If it cannot be built (no compiler, no headers) the
package installs as pure Python and runs on the NumPy fallback:
  FASTACT_NO_EXTENSIONS=1       skip the build on purpose
  FASTACT_REQUIRE_EXTENSIONS=1  make a failed build an error

The kernels (csrc/kernels.c) are compiled once per SIMD level of the target
(csrc/levels.def: on x86-64 baseline, AVX2+FMA and AVX-512), and the best one is
chosen at import by CPUID: with gcc/clang (Linux, macOS x86_64, MinGW) by -m flags,
with MSVC by /arch:.  Other CPUs (arm64/aarch64, where NEON is part of the baseline)
get the baseline only.
Only gcc/clang on Linux are tested here; the MSVC and macOS flags follow those
compilers' documentation and are exercised by the cibuildwheel workflow.
"""
import glob
import importlib.util
from concurrent.futures import ThreadPoolExecutor
import os
import re
import sys
import sysconfig

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py

CSRC = "csrc"
PACKAGE = "fastact"
# Generated at build time (never committed): whether the extension was built and,
# if not, why.  pip hides build output unless -v, so this record is how
# `fastact.show_config()` and `python -m fastact --version` can tell the user.
BUILD_INFO = "_build_info.py"
WARN = ["-Wall", "-Wextra"]
# No -ffast-math: it would drop NaN/inf semantics.  No contraction either, so a
# value is bit-identical whichever kernel (fused or separate) computes it.
FLOAT_FLAGS = ["-O3", "-ffp-contract=off", "-fno-trapping-math"]
# MSVC: /fp:precise contracts nothing (VS 2022 and later) and keeps NaN/inf semantics;
# /arch:AVX2 includes FMA, /arch:AVX512 is AVX-512 F+CD+BW+DQ+VL.
MSVC_FLAGS = ["/O2", "/fp:precise"]


def _read_levels():
    """csrc/levels.def's rows, by csrc/levels.py, loaded by path: csrc is no package
    and setup.py must not import fastact."""
    spec = importlib.util.spec_from_file_location("_fastact_levels",
                                                  os.path.join(CSRC, "levels.py"))
    reader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)
    return reader.read(os.path.join(CSRC, "levels.def")), reader.compiled_defines


LEVELS, _compiled_defines = _read_levels()


def _env_on(name):
    return os.environ.get(name, "") not in ("", "0")


def _build_jobs():
    """Compiler processes run at once: FASTACT_BUILD_JOBS, else the CPUs this process may
    use.  The kernels are one object per SIMD level, each about 20 s of gcc -O3: built
    side by side, and beside the extension's own sources, a build takes about half as long
    on two cores."""
    env = os.environ.get("FASTACT_BUILD_JOBS", "")
    if env:
        return max(1, int(env))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _targets_x86_64():
    """Whether the extension is built for 64-bit x86.  A macOS cross build (e.g. arm64
    on an Intel machine) names its target in ARCHFLAGS; a universal2 build gets the
    baseline only, since the x86 flags would break its arm64 half."""
    archs = re.findall(r"-arch\s+(\S+)", os.environ.get("ARCHFLAGS", ""))
    if archs:
        return archs == ["x86_64"]
    target = sysconfig.get_platform().lower()  # honours _PYTHON_HOST_PLATFORM
    return target.endswith(("x86_64", "amd64")) and sys.maxsize > 2**32


def target_levels(x86_64):
    """The rows of levels.def built for this target: all on x86-64, else the baseline."""
    return [lv for lv in LEVELS if lv.builds_on("x86_64" if x86_64 else "other")]


def kernel_flags(compiler_type, x86_64):
    """(flags for every kernel object, {level: extra flags}) for this compiler."""
    msvc = compiler_type == "msvc"  # else gcc or clang: unix (Linux, macOS), mingw32, cygwin
    common = MSVC_FLAGS if msvc else FLOAT_FLAGS + WARN
    return common, {lv.name: list(lv.msvc_flags if msvc else lv.cflags)
                    for lv in target_levels(x86_64)}


class BuildExt(build_ext):
    """Adds the per-ISA kernel objects, turns a failed build into a warning and
    records the outcome in the package (see _write_build_info)."""

    _failure = None  # the exception that stopped the build, if any

    def build_extension(self, ext):
        try:
            with ThreadPoolExecutor(_build_jobs()) as pool:
                self._add_kernel_levels(ext, pool)
                super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001 - any compiler failure
            self._fail(exc)

    def run(self):
        try:
            # An inplace/editable build copies the built .so into the source tree
            # after building; the extension is `optional` (see _extensions) so a
            # failed build is skipped there instead of raising a second, misleading
            # "can't copy ...: doesn't exist" error.
            super().run()
        except Exception as exc:  # noqa: BLE001 - e.g. no compiler found at all
            self._fail(exc)
        _write_build_info(self._package_dir(), self._failure)

    def _fail(self, exc):
        if _env_on("FASTACT_REQUIRE_EXTENSIONS"):
            raise exc
        if self._failure is None:  # one box per build, with the first (real) reason
            self._failure = exc
            _warn_box(exc)

    def _package_dir(self):
        """Where the extension lands: the source tree (inplace/editable) or build_lib."""
        if self.inplace:
            return self.get_finalized_command("build_py").get_package_dir(PACKAGE)
        return os.path.join(self.build_lib, PACKAGE)

    def _add_kernel_levels(self, ext, pool):
        """Starts compiling kernels.c once per level in `pool` and makes the link wait
        for those objects and take them (the extension's own sources compile meanwhile;
        a failed kernel compile raises at the link)."""
        x86_64 = _targets_x86_64()
        extra, levels = kernel_flags(self.compiler.compiler_type, x86_64)
        kernel_sources = glob.glob(os.path.join(CSRC, "**", "*.[ch]"), recursive=True) + \
            glob.glob(os.path.join(CSRC, "*.def"))
        # the extension must be relinked when any kernel source changes
        ext.depends = sorted(set(ext.depends) | set(kernel_sources))
        compiler = self.compiler
        jobs = [pool.submit(compiler.compile,
                            [os.path.join(CSRC, "kernels.c")],
                            output_dir=os.path.join(self.build_temp, "kernels_" + level),
                            macros=[("FA_LEVEL", level)],
                            include_dirs=[CSRC],
                            extra_postargs=extra + flags,
                            depends=kernel_sources)
                for level, flags in levels.items()]
        link = compiler.link

        def link_with_kernels(target_desc, objects, *args, **kwargs):
            kernels = [obj for job in jobs for obj in job.result()]
            return link(target_desc, list(objects) + kernels, *args, **kwargs)

        compiler.link = link_with_kernels  # link_shared_object calls self.link
        ext.define_macros += [(name, "1") for name in _compiled_defines(target_levels(x86_64))]


class BuildPy(build_py):
    """Writes the build record when there is no extension to build (build_ext,
    which otherwise writes it, does not run then)."""

    def run(self):
        super().run()
        if not self.distribution.has_ext_modules():
            out = (self.get_package_dir(PACKAGE) if self.editable_mode
                   else os.path.join(self.build_lib, PACKAGE))
            _write_build_info(out, NOT_PLANNED_REASON)


def reason_text(failure):
    """One line for the user: the exception type and message, with a compiler
    command line shortened to the program's name."""
    if failure is None or isinstance(failure, str):
        return failure
    text = f"{type(failure).__name__}: {failure}"
    return re.sub(r"\['([^']*)'[^\]]*\]", r"\1", " ".join(text.split()))


def _write_build_info(package_dir, failure):
    reason = reason_text(failure)
    os.makedirs(package_dir, exist_ok=True)
    with open(os.path.join(package_dir, BUILD_INFO), "w", encoding="utf-8") as f:
        f.write(f'"""Written by setup.py at build time (not in git)."""\n'
                f"EXTENSION_BUILT = {reason is None!r}\n"
                f"REASON = {reason!r}\n")


def _warn_box(exc):
    import textwrap

    reason = textwrap.wrap(reason_text(exc), 70, max_lines=3)
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
    """(the extensions to build, why there are none)."""
    if _env_on("FASTACT_NO_EXTENSIONS"):
        return [], "pure-Python build (FASTACT_NO_EXTENSIONS=1 was set when it was built)"
    try:
        import numpy
        from Cython.Build import cythonize
    except ImportError as exc:
        if _env_on("FASTACT_REQUIRE_EXTENSIONS"):
            raise
        _warn_box(exc)
        return [], reason_text(exc)
    ext = Extension(
        "fastact._ufuncs",
        sources=["fastact/_ufuncs.pyx", f"{CSRC}/dispatch.c", f"{CSRC}/ufunc_glue.c",
                 f"{CSRC}/pool.c"],
        include_dirs=[CSRC, "fastact", numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"),
                       ("NPY_TARGET_VERSION", "NPY_1_23_API_VERSION")],
        extra_compile_args=["-O3"] + WARN if os.name != "nt" else [],
        # a failed build is skipped, not copied, by an inplace/editable build
        optional=not _env_on("FASTACT_REQUIRE_EXTENSIONS"),
    )
    return cythonize([ext], compiler_directives={"language_level": "3"}, quiet=True), None


EXTENSIONS, NOT_PLANNED_REASON = _extensions()
setup(ext_modules=EXTENSIONS, cmdclass={"build_ext": BuildExt, "build_py": BuildPy})
