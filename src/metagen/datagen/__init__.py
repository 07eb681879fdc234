"""Data generators behind `metagen data`: datasets written to disk for a user to train on,
each sample made from a stated recipe (planning-side code, never bundled into a package)."""
