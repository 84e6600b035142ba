"""python check_dists.py DIST: the listings of the sdist and of every wheel in DIST.

The sdist carries the C sources, the .pyx, the licence and everything the test suite
needs, and no generated file.  Every wheel carries no .c/.pyx but the stubs, py.typed,
the licence and the build record; binary wheels carry the extension and are tagged
manylinux_2_17 x86_64 (or an older policy: what pip elsewhere accepts), the pure one is
py3-none-any and carries no extension.  There is a binary wheel for the running Python."""
import glob
import re
import sys
import tarfile
import zipfile

dist = sys.argv[1]
problems = []


def check(ok, message):
    if not ok:
        problems.append(message)


[sdist_path] = glob.glob(f"{dist}/fastact-*.tar.gz")
sdist = {n.split("/", 1)[1] for n in tarfile.open(sdist_path).getnames() if "/" in n}
for need in ["csrc/kernels.c", "csrc/activations.def", "csrc/act/sigmoid.h",
             "fastact/_ufuncs.pyx", "fastact/_type_errors.h", "tests/c/run_sanitizers.sh",
             "tests/c/sanitize_driver.c", "tests/conftest.py", "LICENSE"]:
    check(need in sdist, f"sdist lacks {need}")
for generated in ("fastact/_ufuncs.c", "fastact/_build_info.py"):
    check(generated not in sdist, f"sdist carries the generated {generated}")

OLD_ENOUGH = re.compile(r"manylinux_2_(5|12|17)_x86_64|manylinux(1|2010|2014)_x86_64")
wheels = sorted(glob.glob(f"{dist}/fastact-*.whl"))
tags = set()
for path in wheels:
    name = path.rsplit("/", 1)[1]
    files = zipfile.ZipFile(path).namelist()
    dist_info = next(n.split("/")[0] for n in files if ".dist-info/" in n)
    pyver, abi, plat = name[:-len(".whl")].split("-")[2:5]
    tags.add((pyver, abi, plat))
    check(not [n for n in files if n.endswith((".c", ".pyx"))], f"{name} carries C/pyx sources")
    for need in ("fastact/__init__.pyi", "fastact/_ufuncs.pyi", "fastact/py.typed",
                 "fastact/_build_info.py", f"{dist_info}/licenses/LICENSE"):
        check(need in files, f"{name} lacks {need}")
    ext = [n for n in files if n.startswith("fastact/_ufuncs") and n.endswith((".so", ".pyd"))]
    if (pyver, abi, plat) == ("py3", "none", "any"):
        check(not ext, f"the pure wheel {name} carries {ext}")
    else:
        check(len(ext) == 1, f"{name} has no compiled extension")
        check(all(OLD_ENOUGH.fullmatch(p) for p in plat.split(".")),
              f"{name} is not tagged manylinux_2_17_x86_64 or older")
running = f"cp{sys.version_info[0]}{sys.version_info[1]}"
check(("py3", "none", "any") in tags, "no pure py3-none-any wheel")
check(any(t[0] == running for t in tags), f"no binary wheel for {running}")
if problems:
    sys.exit("distribution check failed:\n  " + "\n  ".join(problems))
print(f"sdist: {len(sdist)} files; wheels: {', '.join(w.rsplit('/', 1)[1] for w in wheels)}; OK")
