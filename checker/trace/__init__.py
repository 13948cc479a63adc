"""Layer 3 -- counterexamples as values: built from an engine's path and replayed on the concrete interpreter."""
