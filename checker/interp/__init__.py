"""Layer 2 -- the interpreters of the spec IR: layout, compiled Python (concrete), Z3 terms (symbolic, universal)."""
