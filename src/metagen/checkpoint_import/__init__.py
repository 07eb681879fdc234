"""Import published checkpoints (issue 11): read them safely, map them into a run."""
