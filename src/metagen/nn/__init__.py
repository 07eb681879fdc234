"""Model building blocks: plain PyTorch modules, bundled into generated packages."""
