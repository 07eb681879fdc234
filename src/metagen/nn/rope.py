"""Rotary position embeddings (Su et al., 2021), in the rotate-half layout, with the frequency
rescalings that stretch a pre-trained context: linear (position interpolation) and Llama 3.1's.

Nothing is cached at build time: cos/sin are computed for the positions a forward pass needs,
so a 256k context costs nothing until it is used, and building on the meta device works.
"""

import math
from dataclasses import dataclass

import torch

from metagen.nn.checks import check_choice, check_positive

ROPE_SCALINGS = ("linear", "llama3")


@dataclass(frozen=True)
class RopeScaling:
    """How the frequencies are rescaled. "linear" divides every one by `factor`; "llama3"
    divides those whose wavelength exceeds original_context / low_freq_factor, keeps those
    below original_context / high_freq_factor and blends in between (Llama 3.1)."""

    kind: str
    factor: float
    low_freq_factor: float = 1.0
    high_freq_factor: float = 4.0
    original_context: int = 8192

    def __post_init__(self) -> None:
        check_choice("rope_scaling", self.kind, ROPE_SCALINGS)
        check_positive(rope_scaling_factor=self.factor)
        if self.kind == "llama3":
            check_positive(
                rope_low_freq_factor=self.low_freq_factor,
                rope_original_context=self.original_context,
            )
            if self.high_freq_factor <= self.low_freq_factor:
                raise ValueError(
                    f"rope_high_freq_factor ({self.high_freq_factor}) must exceed "
                    f"rope_low_freq_factor ({self.low_freq_factor})"
                )


def rope_inv_freq(
    head_dim: int, theta: float, scaling: RopeScaling | None, device: torch.device
) -> torch.Tensor:
    """The rotation frequencies (head_dim / 2,) in radians per position."""
    exponents = torch.arange(0, head_dim, 2, device=device, dtype=torch.float32)
    inv_freq = 1.0 / (theta ** (exponents / head_dim))  # (hs/2,)
    if scaling is None:
        return inv_freq
    if scaling.kind == "linear":
        return inv_freq / scaling.factor
    s = scaling
    wavelength = 2 * math.pi / inv_freq
    smooth = (s.original_context / wavelength - s.low_freq_factor) / (
        s.high_freq_factor - s.low_freq_factor
    )
    blended = (1 - smooth) * inv_freq / s.factor + smooth * inv_freq
    long_waves = wavelength > s.original_context / s.low_freq_factor
    scaled = torch.where(long_waves, inv_freq / s.factor, blended)
    return torch.where(wavelength < s.original_context / s.high_freq_factor, inv_freq, scaled)


def rope_cos_sin(
    positions: torch.Tensor, head_dim: int, theta: float, scaling: RopeScaling | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of shape (T, head_dim) for integer `positions` of shape (T,)."""
    inv_freq = rope_inv_freq(head_dim, theta, scaling, positions.device)  # (hs/2,)
    angles = torch.outer(positions.float(), inv_freq)  # (T, hs/2)
    angles = torch.cat((angles, angles), dim=-1)  # (T, hs)
    return angles.cos(), angles.sin()


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate x (B, nh, T, hs) by the angles in cos/sin (T, hs)."""
    x1, x2 = x.chunk(2, dim=-1)
    rotated = torch.cat((-x2, x1), dim=-1)
    return (x.float() * cos + rotated.float() * sin).type_as(x)
