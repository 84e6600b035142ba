"""The batch tools behind the CLI: eval (files), plot (figures), demo (the lesson's example)."""
