"""pytest-benchmark suite: fastact against the lesson's NumPy code and the peers.

Kept apart from tests/ (speed is never asserted there).  Run:
    python -m pytest bench --benchmark-group-by=group,param:dtype,param:n
    python -m pytest bench --bench-quick --benchmark-disable   # smoke: runs each once
Peers that are not installed (scipy, numexpr, torch, jax) are skipped.
"""
from __future__ import annotations

import pytest

from fastact._bench import run as _bench

QUICK_SIZES = (10, 1_000)


def pytest_addoption(parser):
    group = parser.getgroup("fastact bench")
    group.addoption("--bench-quick", action="store_true", default=False,
                    help="only the small sizes (10, 1000): a smoke run")
    group.addoption("--bench-sizes", default=None,
                    help="comma-separated sizes to run, e.g. 1e6,1e7")


def _sizes(config):
    if config.getoption("--bench-quick"):
        return QUICK_SIZES
    text = config.getoption("--bench-sizes")
    if text:
        return tuple(int(float(t)) for t in text.split(",") if t.strip())
    return _bench.ALL_SIZES


def pytest_generate_tests(metafunc):
    if "n" in metafunc.fixturenames:
        metafunc.parametrize("n", _sizes(metafunc.config), ids=lambda n: f"n={n:g}")


def pytest_collection_modifyitems(config, items):
    # The peers may warn on import or first use (e.g. jax on CPU): not our subject.
    for item in items:
        item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning"))
        item.add_marker(pytest.mark.filterwarnings("ignore::UserWarning"))
        item.add_marker(pytest.mark.filterwarnings("ignore::FutureWarning"))


@pytest.fixture(scope="session", autouse=True)
def _single_thread():
    _bench.set_threads(1)
