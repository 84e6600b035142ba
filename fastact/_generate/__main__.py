"""`python -m fastact._generate`: rewrite the files generated from the catalogue."""
from fastact._generate import ROOT, stale

for rel, text in stale().items():
    (ROOT / rel).write_text(text)
    print("wrote", rel)
