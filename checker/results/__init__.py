"""Layer 1 -- plain data every layer above shares: verdicts, traces, failed reads, engine statistics."""
