"""The benchmark behind `python -m fastact bench`: timings (run) and instruction counts (instructions)."""
