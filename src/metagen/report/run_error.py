"""The error of a folder that is no trained run, in a module of its own so that the CLI's
error guard can name it without importing the run reader (and numpy) on every command."""


class RunError(ValueError):
    """A folder that is not a trained run directory, said with how to make one."""
