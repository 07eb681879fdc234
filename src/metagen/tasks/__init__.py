"""Runtime tasks: what training optimises, one folder each (tasks/registry.py says what a folder
holds and what stays shared)."""
