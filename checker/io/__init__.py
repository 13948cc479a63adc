"""Layer 5 -- files: counterexamples as ITF JSON, and the stored catalogue of them."""
