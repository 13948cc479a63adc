"""Layer 8 -- reportcheck ci, its [tool.reportcheck] configuration, and the pytest plugin."""
