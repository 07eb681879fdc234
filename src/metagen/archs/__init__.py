"""Architectures, one folder each (model, counts, shapes, variants) and one row each
(archs/registry.py)."""
