"""MetaGen: a YAML model spec in, an exact architecture, standalone PyTorch code and a measured run out."""

__version__ = "0.1.0"
