"""The lesson's example, then one fused call against the lesson's NumPy code."""
from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np


def best_time(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: page faults and caches
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(n: int = 10_000_000, repeat: int = 5) -> None:
    import fastact
    from fastact import _config
    from fastact._lesson import LESSON_ALPHA, LESSON_NUMPY, lesson_example_lines

    z = np.array([-2, -1, 0, 1, 2])
    act = fastact.ActivationFunctions()
    print("The lesson's example (fastact.ActivationFunctions, z = [-2, -1, 0, 1, 2]):\n")
    print("\n".join(lesson_example_lines(act, z)))

    print(f"\n{_config.backend_line()}")
    rng = np.random.default_rng(0)
    big = rng.standard_normal(n, dtype=np.float32) * 4
    level = ""
    if fastact.BACKEND == "c":
        from fastact import _backends
        level = f", SIMD {_backends.require_compiled().get_level()}"
    print(f"\nsigmoid value + derivative of {n:,} float32 values "
          f"(backend {fastact.BACKEND}{level}; best of {repeat}):")
    with np.errstate(over="ignore"):  # the lesson's formula overflows for z < -88
        # the lesson's code as the benchmark suite runs it: a = 1/(1+exp(-z)), a*(1-a)
        sigmoid_both = LESSON_NUMPY["sigmoid"][1]
        t_lesson = best_time(lambda: sigmoid_both(big, LESSON_ALPHA), repeat)
    t_fast = best_time(lambda: fastact.sigmoid_and_derivative(big), repeat)
    outs = (np.empty_like(big), np.empty_like(big))
    t_out = best_time(lambda: fastact.sigmoid_and_derivative(big, out=outs), repeat)
    for label, t in (("lesson's NumPy code", t_lesson),
                     ("fastact.sigmoid_and_derivative", t_fast),
                     ("  the same with out= (no allocation)", t_out)):
        print(f"  {label:<38} {t * 1e3:8.2f} ms  ({t / n * 1e9:.2f} ns/element)")
    print(f"  speed-up: {t_lesson / t_fast:.1f}x (both allocating their outputs); "
          f"{t_lesson / t_out:.1f}x with out=")
