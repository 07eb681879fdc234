"""Blueprint: dataclasses, the solver, the catalog of named variants and analytic counts (no torch)."""
