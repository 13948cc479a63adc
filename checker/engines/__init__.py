"""Layer 4 -- the engines behind one registry: explicit, bmc, induction, proof, stateful (Hypothesis)."""
