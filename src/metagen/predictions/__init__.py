"""Collectors of what a trained model predicts on held-out data, shared by the tasks whose
outputs have the same form (class scores, regressed values, ...). Each task's registry row
names its collector; report/predictions.py runs it after training. Library only: generated
packages never bundle these."""
