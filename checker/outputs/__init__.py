"""Layer 6 -- what users and CI read: terminal and JSON rendering, JUnit, SARIF, documents."""
