"""Pixel scaling shared by every image dataset: [0, 1] floats normalized to about [-1, 1]."""

import torch

PIXEL_MEAN = 0.5
PIXEL_STD = 0.5


def normalize_pixels(images: torch.Tensor) -> torch.Tensor:
    """Map [0, 1] pixels to (x - mean) / std."""
    return (images - PIXEL_MEAN) / PIXEL_STD


def denormalize_pixels(images: torch.Tensor) -> torch.Tensor:
    """Inverse of normalize_pixels, back to [0, 1]."""
    return images * PIXEL_STD + PIXEL_MEAN
