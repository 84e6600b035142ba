"""Reads csrc/levels.def (the SIMD levels) for the build and the C test scripts.

setup.py loads this file by path (it must not import fastact, and csrc is no
package); the shell scripts run it:

    python3 csrc/levels.py names TARGET       levels built for TARGET, worst first
    python3 csrc/levels.py defines TARGET     -DFA_COMPILED_<name>=1 for dispatch.c
    python3 csrc/levels.py flags NAME         a level's gcc/clang flags
    python3 csrc/levels.py fma-flags TARGET   gcc/clang flags that give TARGET an FMA

TARGET is a machine name or triplet (`uname -m`, `$CC -dumpmachine`: x86_64,
amd64, aarch64-linux-gnu, ...).  Whether the baseline has FMA depends on the
target (levels.def says FA_HAVE_FMA there), so only C knows it; the compiled
module's levels() reports it as a bool.
"""
import re
import sys
from pathlib import Path
from typing import List, NamedTuple, Tuple

DEF = Path(__file__).with_name("levels.def")
# One FA_SIMD_LEVEL(...) row per line: three bare fields, three string literals.
_ROW = re.compile(r'^FA_SIMD_LEVEL\((\w+),\s*(\w+),\s*(\w+),'
                  r'\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)"\)\s*$', re.MULTILINE)
# `uname -m` / triplet spellings of the architectures levels.def names
_ARCH_ALIASES = {"amd64": "x86_64", "x64": "x86_64", "arm64": "aarch64"}


class Level(NamedTuple):
    name: str
    arch: str                 # "any" (the baseline) or the one architecture that builds it
    has_fma: str              # "1", "0" or a C expression (the baseline: FA_HAVE_FMA)
    cflags: Tuple[str, ...]
    msvc_flags: Tuple[str, ...]
    cpu_features: Tuple[str, ...]

    def builds_on(self, arch: str) -> bool:
        return self.arch in ("any", arch)


def read(path=DEF) -> List[Level]:
    """Every row of levels.def, in order; ValueError if a row does not parse."""
    text = Path(path).read_text(encoding="utf-8")
    rows = [Level(m[1], m[2], m[3], *(tuple(s.split()) for s in m.groups()[3:]))
            for m in _ROW.finditer(text)]
    written = len(re.findall(r"^FA_SIMD_LEVEL\(", text, re.MULTILINE))
    if not rows or len(rows) != written:
        raise ValueError(f"{path}: {written - len(rows)} FA_SIMD_LEVEL row(s) do not parse")
    return rows


def arch_of(target: str) -> str:
    """The architecture of a machine name or compiler triplet."""
    machine = target.split("-", 1)[0].lower()
    return _ARCH_ALIASES.get(machine, machine)


def for_target(target: str, path=DEF) -> List[Level]:
    """The levels built for one target, worst first."""
    arch = arch_of(target)
    return [lv for lv in read(path) if lv.builds_on(arch)]


def fma_flags(target: str, path=DEF) -> Tuple[str, ...]:
    """The flags of the target's first level that has FMA by its flags (has_fma 1):
    none where only the baseline exists, which then has FMA if the target's
    baseline does (aarch64) and there is no FMA level to compare with otherwise."""
    return next((lv.cflags for lv in for_target(target, path) if lv.has_fma == "1"), ())


def compiled_defines(levels) -> List[str]:
    """dispatch.c's FA_COMPILED_<name> for every level beyond the baseline."""
    return [f"FA_COMPILED_{lv.name}" for lv in levels if lv.arch != "any"]


def _flags_of(name: str) -> Tuple[str, ...]:
    for lv in read():
        if lv.name == name:
            return lv.cflags
    raise SystemExit(f"levels.py: no level {name!r} in {DEF}")


_COMMANDS = {
    "names": lambda t: [lv.name for lv in for_target(t)],
    "defines": lambda t: [f"-D{d}=1" for d in compiled_defines(for_target(t))],
    "flags": _flags_of,
    "fma-flags": fma_flags,
}


def main(argv: List[str]) -> int:
    if len(argv) != 2 or argv[0] not in _COMMANDS:
        print(f"usage: levels.py {{{','.join(_COMMANDS)}}} ARG", file=sys.stderr)
        return 2
    print(" ".join(_COMMANDS[argv[0]](argv[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
