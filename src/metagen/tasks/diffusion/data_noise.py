"""DDPM noise schedules, deterministic noising of datasets, and DDPM/DDIM samplers."""

import math

import numpy as np
import torch
from torch.utils.data import Dataset

# ---------------------------------------------------------------------------------------------
# Diffusion machinery for any sample rank: images (C, H, W), videos (C, T, H, W), batched or not.
# It lives in data/ because the datasets noise with it, and data.py ships in every package.
#
#   schedule = NoiseSchedule(num_timesteps=1000, kind="linear")   # or "cosine"
#   schedule.alphas_cumprod                        # (T,) float64, abar_t = prod_{s<=t} (1 - beta_s)
#   x_t = schedule.add_noise(x0, t, noise)         # t: int or (B,) long; x0 (B, ...) or (...)
#   pairs = NoisedSamples(clean, schedule, seed, key="images", draws=1, extra_keys=("caption_ids",))
#       item j -> {"noisy": x_t, "timesteps": t, "targets": noise, + extra_keys of the clean
#       item}; t and noise depend on (seed, j) alone; x_0 is clean[j % len(clean)][key].
#   x0 = ddim_sample(denoise, shape, schedule, steps=50, eta=0.0, generator=g)
#   x0 = ddpm_sample(denoise, shape, schedule, generator=g)
#       denoise(x_t, t) -> predicted noise, with x_t of `shape` and t a (B,) long tensor.
# The objective is epsilon prediction (Ho et al., 2020): loss = MSE(denoise(x_t, t), noise).
# ---------------------------------------------------------------------------------------------

BETA_SCHEDULES = ("linear", "cosine")
# Stream id that keeps the noise draws apart from a dataset's own (seed, index) draws.
NOISE_STREAM = 0xD1FF


def linear_betas(num_timesteps: int) -> torch.Tensor:
    """Ho et al. (2020): 1e-4 to 0.02 over 1000 steps, rescaled for other lengths."""
    scale = 1000 / num_timesteps
    return torch.linspace(scale * 1e-4, scale * 0.02, num_timesteps, dtype=torch.float64)


def cosine_betas(num_timesteps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """Nichol & Dhariwal (2021): abar(t) = f(t) / f(0), f(t) = cos((t/T + s) / (1 + s) * pi/2)^2."""

    def f(t: int) -> float:
        return math.cos((t / num_timesteps + s) / (1 + s) * math.pi / 2) ** 2

    betas = [min(1 - f(t + 1) / f(t), max_beta) for t in range(num_timesteps)]
    return torch.tensor(betas, dtype=torch.float64)


class NoiseSchedule:
    """The forward process q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I), t in [0, T)."""

    def __init__(self, num_timesteps: int = 1000, kind: str = "linear") -> None:
        if kind not in BETA_SCHEDULES:
            raise ValueError(f"beta schedule must be one of {list(BETA_SCHEDULES)}, got {kind!r}")
        if num_timesteps < 2:
            raise ValueError(f"num_timesteps ({num_timesteps}) must be at least 2")
        self.num_timesteps, self.kind = num_timesteps, kind
        self.betas = (
            linear_betas(num_timesteps) if kind == "linear" else cosine_betas(num_timesteps)
        )
        self.alphas_cumprod = torch.cumprod(1.0 - self.betas, dim=0)  # (T,) float64
        previous = torch.cat([torch.ones(1, dtype=torch.float64), self.alphas_cumprod[:-1]])
        self.alphas_cumprod_prev = previous
        # q(x_{t-1} | x_t, x_0): variance and the coefficients of x_0 and x_t in its mean.
        self.posterior_variance = self.betas * (1 - previous) / (1 - self.alphas_cumprod)
        self.posterior_coef_x0 = self.betas * previous.sqrt() / (1 - self.alphas_cumprod)
        self.posterior_coef_xt = (
            (1 - previous) * (1 - self.betas).sqrt() / (1 - self.alphas_cumprod)
        )

    def _at(self, values: torch.Tensor, t, like: torch.Tensor) -> torch.Tensor:
        """values[t] shaped to broadcast over `like`: a scalar for an int t, (B, 1, ...) else."""
        if isinstance(t, int) or (torch.is_tensor(t) and t.dim() == 0):
            return values[int(t)].to(like.dtype)
        picked = values.to(like.device)[t.long()].to(like.dtype)  # (B,)
        return picked.view(-1, *([1] * (like.dim() - 1)))

    def add_noise(self, x0: torch.Tensor, t, noise: torch.Tensor) -> torch.Tensor:
        """x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) noise."""
        abar = self._at(self.alphas_cumprod, t, x0)
        return abar.sqrt() * x0 + (1 - abar).sqrt() * noise

    def predict_x0(self, x_t: torch.Tensor, t, noise: torch.Tensor) -> torch.Tensor:
        """Invert add_noise for x_0, given the (predicted) noise."""
        abar = self._at(self.alphas_cumprod, t, x_t)
        return (x_t - (1 - abar).sqrt() * noise) / abar.sqrt()


class NoisedSamples(Dataset):
    """Training pairs for epsilon prediction, drawn deterministically from (seed, index).

    `draws` noised copies of each clean sample: item j noises clean item j % len(clean).
    `extra_keys` of the clean item (a caption's ids, say) pass through unchanged.
    """

    def __init__(
        self,
        clean,
        schedule: NoiseSchedule,
        seed: int,
        *,
        key: str = "images",
        draws: int = 1,
        extra_keys: tuple[str, ...] = ("caption_ids",),
    ) -> None:
        if draws < 1:
            raise ValueError(f"draws ({draws}) must be at least 1")
        self.clean, self.schedule, self.seed = clean, schedule, seed
        self.key, self.draws, self.extra_keys = key, draws, tuple(extra_keys)

    def __len__(self) -> int:
        return len(self.clean) * self.draws

    def __getitem__(self, index: int) -> dict:
        if not 0 <= index < len(self):
            raise IndexError(f"index {index} out of range for {len(self)} samples")
        item = self.clean[index % len(self.clean)]
        x0 = item[self.key]
        rng = np.random.default_rng([NOISE_STREAM, self.seed, index])
        t = int(rng.integers(self.schedule.num_timesteps))
        noise = torch.from_numpy(rng.standard_normal(tuple(x0.shape), dtype=np.float32))
        sample = {
            "noisy": self.schedule.add_noise(x0, t, noise),
            "timesteps": torch.tensor(t, dtype=torch.long),
            "targets": noise,
        }
        sample.update({k: item[k] for k in self.extra_keys if k in item})
        return sample


def _draw_noise(shape, generator: torch.Generator | None, device) -> torch.Tensor:
    """Gaussian noise drawn on the generator's device (CPU by default), then moved: the same
    seed gives the same samples on any device."""
    noise = torch.randn(shape, generator=generator, device=generator.device if generator else None)
    return noise if device is None else noise.to(device)


def _timesteps_like(t: int, x: torch.Tensor) -> torch.Tensor:
    return torch.full((x.size(0),), t, dtype=torch.long, device=x.device)


@torch.no_grad()
def ddim_sample(
    denoise,
    shape,
    schedule: NoiseSchedule,
    *,
    steps: int = 50,
    eta: float = 0.0,
    generator: torch.Generator | None = None,
    device=None,
    clip: bool = True,
) -> torch.Tensor:
    """DDIM (Song et al., 2021) over `steps` evenly spaced timesteps; eta=0 is deterministic.
    Returns x_0 of `shape`, clipped to [-1, 1] when `clip`."""
    if not 1 <= steps <= schedule.num_timesteps:
        raise ValueError(f"steps ({steps}) must be between 1 and {schedule.num_timesteps}")
    abar_all = schedule.alphas_cumprod
    times = torch.linspace(schedule.num_timesteps - 1, 0, steps).round().long().tolist()
    x = _draw_noise(shape, generator, device)
    for i, t in enumerate(times):
        eps = denoise(x, _timesteps_like(t, x)).float()
        abar = float(abar_all[t])
        x0 = schedule.predict_x0(x, t, eps)
        if clip:
            x0 = x0.clamp(-1.0, 1.0)
            eps = (x - math.sqrt(abar) * x0) / math.sqrt(1 - abar)  # consistent with clipped x0
        abar_prev = float(abar_all[times[i + 1]]) if i + 1 < len(times) else 1.0
        sigma = eta * math.sqrt((1 - abar_prev) / (1 - abar) * (1 - abar / abar_prev))
        x = math.sqrt(abar_prev) * x0 + math.sqrt(max(1 - abar_prev - sigma**2, 0.0)) * eps
        if sigma > 0:
            x = x + sigma * _draw_noise(shape, generator, device)
    return x


@torch.no_grad()
def ddpm_sample(
    denoise,
    shape,
    schedule: NoiseSchedule,
    *,
    generator: torch.Generator | None = None,
    device=None,
    clip: bool = True,
) -> torch.Tensor:
    """Ancestral sampling (Ho et al., 2020) through all T steps with the posterior variance."""
    x = _draw_noise(shape, generator, device)
    for t in reversed(range(schedule.num_timesteps)):
        eps = denoise(x, _timesteps_like(t, x)).float()
        x0 = schedule.predict_x0(x, t, eps)
        if clip:
            x0 = x0.clamp(-1.0, 1.0)
        mean = float(schedule.posterior_coef_x0[t]) * x0 + float(schedule.posterior_coef_xt[t]) * x
        if t == 0:
            return mean
        noise = _draw_noise(shape, generator, device)
        x = mean + math.sqrt(float(schedule.posterior_variance[t])) * noise
    return x
