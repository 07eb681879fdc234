"""`metagen export`: a trained run's model as a file another runtime loads (ONNX by the run's
own export.py, TorchScript traced here), checked against PyTorch, with what it reads."""
