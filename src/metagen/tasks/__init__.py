"""Runtime tasks: what training optimises, each one registry row (tasks/registry.py)."""
