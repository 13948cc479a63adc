"""One module per free page reporting design, each with the faults of that design."""
