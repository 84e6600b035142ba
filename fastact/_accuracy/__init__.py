"""Accuracy measurement behind `python -m fastact.accuracy`: inputs, references, ULP, sweeps, reports."""
