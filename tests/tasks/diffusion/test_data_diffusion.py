"""The diffusion machinery (tasks/diffusion/data_noise.py) against closed forms, and its
datasets."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from PIL import Image

from metagen.data.synthetic_images import ShapesDataset
from metagen.data.tokenizer import ByteTokenizer
from metagen.tasks.diffusion.data_noise import (
    NoisedSamples,
    NoiseSchedule,
    ddim_sample,
    ddpm_sample,
)
from metagen.tasks.runtime import LOSSES, build_datasets, evaluate_model

torch.set_num_threads(1)


def test_linear_schedule_matches_ho_et_al():
    schedule = NoiseSchedule(1000, "linear")
    betas = np.linspace(1e-4, 0.02, 1000)
    np.testing.assert_allclose(schedule.betas.numpy(), betas, rtol=1e-12)
    np.testing.assert_allclose(schedule.alphas_cumprod.numpy(), np.cumprod(1 - betas), rtol=1e-10)
    # Published: abar_T is about 4.04e-5 for this schedule (sqrt(abar_T) ~ 0.0064).
    assert schedule.alphas_cumprod[-1].item() == pytest.approx(4.036e-5, rel=1e-3)
    # Fewer steps: betas rescaled by 1000 / T (Nichol & Dhariwal's convention).
    short = NoiseSchedule(250, "linear")
    np.testing.assert_allclose(short.betas.numpy(), np.linspace(4e-4, 0.08, 250), rtol=1e-12)


@pytest.mark.parametrize("steps", [1000, 64])
def test_cosine_schedule_matches_its_closed_form(steps):
    schedule = NoiseSchedule(steps, "cosine")

    def f(t):
        return math.cos((t / steps + 0.008) / 1.008 * math.pi / 2) ** 2

    abar = schedule.alphas_cumprod.numpy()
    unclipped = np.nonzero(schedule.betas.numpy() < 0.999)[0]
    assert unclipped[-1] >= steps - 2  # only the very last beta can hit the 0.999 clip
    expected = np.array([f(t + 1) / f(0) for t in unclipped])
    np.testing.assert_allclose(abar[unclipped], expected, rtol=1e-9)
    assert np.all(np.diff(abar) < 0) and 0 < abar[-1] < 1e-3


def test_posterior_coefficients_match_the_gaussian_posterior():
    s = NoiseSchedule(100, "linear")
    t = 37
    abar, abar_prev, beta = s.alphas_cumprod[t], s.alphas_cumprod[t - 1], s.betas[t]
    # Ho et al. (2020), eq. 7.
    assert s.posterior_coef_x0[t] == pytest.approx(float(abar_prev.sqrt() * beta / (1 - abar)))
    assert s.posterior_coef_xt[t] == pytest.approx(
        float((1 - beta).sqrt() * (1 - abar_prev) / (1 - abar))
    )
    assert s.posterior_variance[t] == pytest.approx(float((1 - abar_prev) / (1 - abar) * beta))
    assert s.posterior_coef_x0[0] == pytest.approx(1.0) and s.posterior_coef_xt[0] == 0


@pytest.mark.parametrize("shape", [(2, 3, 8, 8), (2, 3, 4, 8, 8), (3, 8, 8)], ids=str)
def test_add_noise_and_predict_x0_for_any_rank(shape):
    schedule = NoiseSchedule(1000, "cosine")
    g = torch.Generator().manual_seed(0)
    x0, noise = torch.randn(shape, generator=g), torch.randn(shape, generator=g)
    if len(shape) == 3:  # one unbatched sample, an int timestep
        t, abar = 123, schedule.alphas_cumprod[123].item()
        expected = math.sqrt(abar) * x0 + math.sqrt(1 - abar) * noise
    else:
        t = torch.tensor([5, 900])
        abar = schedule.alphas_cumprod[t].float().view(2, *[1] * (len(shape) - 1))
        expected = abar.sqrt() * x0 + (1 - abar).sqrt() * noise
    x_t = schedule.add_noise(x0, t, noise)
    torch.testing.assert_close(x_t, expected)
    torch.testing.assert_close(schedule.predict_x0(x_t, t, noise), x0, atol=1e-3, rtol=1e-3)


def oracle(schedule: NoiseSchedule, x0: torch.Tensor):
    """A denoiser that knows x0: it returns the exact noise in x_t."""

    def denoise(x_t, t):
        abar = schedule.alphas_cumprod[t].float().view(-1, *[1] * (x_t.dim() - 1))
        return (x_t - abar.sqrt() * x0) / (1 - abar).sqrt()

    return denoise


@pytest.mark.parametrize("shape", [(2, 3, 8, 8), (1, 3, 4, 8, 8)], ids=["image", "video"])
@pytest.mark.parametrize("sampler", ["ddim", "ddim_eta1", "ddpm"])
def test_samplers_recover_x0_from_an_exact_denoiser(shape, sampler):
    schedule = NoiseSchedule(60, "linear")
    x0 = torch.rand(shape, generator=torch.Generator().manual_seed(1)) * 1.6 - 0.8
    g = torch.Generator().manual_seed(2)
    if sampler == "ddpm":
        out = ddpm_sample(oracle(schedule, x0), shape, schedule, generator=g)
    else:
        eta = 1.0 if sampler == "ddim_eta1" else 0.0
        out = ddim_sample(oracle(schedule, x0), shape, schedule, steps=12, eta=eta, generator=g)
    torch.testing.assert_close(out, x0, atol=1e-4, rtol=0)


def test_ddim_is_deterministic_per_seed():
    schedule = NoiseSchedule(100, "cosine")
    torch.manual_seed(0)
    net = torch.nn.Conv2d(3, 3, 3, padding=1)

    def denoise(x, t):
        return net(x) * (t.float().view(-1, 1, 1, 1) / 100)

    def run(seed):
        g = torch.Generator().manual_seed(seed)
        return ddim_sample(denoise, (2, 3, 8, 8), schedule, steps=10, generator=g)

    a, b, c = run(0), run(0), run(1)
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert torch.isfinite(a).all() and a.abs().max() <= 1.0  # clipped x0 at the last step


def test_noised_samples_are_deterministic_and_follow_q():
    schedule = NoiseSchedule(1000, "linear")
    clean = ShapesDataset(10, 16, 3, seed=0)
    pairs = NoisedSamples(clean, schedule, seed=5, draws=3, extra_keys=())
    assert len(pairs) == 30
    first, again = pairs[4], NoisedSamples(clean, schedule, seed=5, draws=3)[4]
    for key in ("noisy", "timesteps", "targets"):
        assert torch.equal(first[key], again[key])
    assert set(first) == {"noisy", "timesteps", "targets"}
    x0 = clean[4]["images"]
    abar = schedule.alphas_cumprod[int(first["timesteps"])].item()
    expected = math.sqrt(abar) * x0 + math.sqrt(1 - abar) * first["targets"]
    torch.testing.assert_close(first["noisy"], expected)
    # Item 14 noises the same clean image differently; t covers the whole range.
    assert not torch.equal(pairs[14]["targets"], first["targets"])
    ts = [int(pairs[i]["timesteps"]) for i in range(30)]
    assert len(set(ts)) > 20
    noise = torch.stack([pairs[i]["targets"] for i in range(30)])
    assert abs(noise.mean().item()) < 0.05 and abs(noise.std().item() - 1) < 0.05


def diffusion_cfg(**extra) -> dict:
    return {
        "kind": "image",
        "image_size": 16,
        "channels": 3,
        "num_timesteps": 1000,
        "beta_schedule": "cosine",
        "text_conditioning": True,
        "caption_length": 24,
        "num_train": 40,
        "num_val": 8,
        "noised_samples": 100,
        **extra,
    }


def test_synthetic_diffusion_data_pairs_images_with_their_captions():
    train, val, info = build_datasets("diffusion", diffusion_cfg(), "synthetic", seed=0)
    assert info["noise_draws_per_image"] == 3 and len(train) == 120 and len(val) == 8
    item = train[0]
    assert set(item) == {"noisy", "timesteps", "targets", "caption_ids"}
    assert item["noisy"].shape == (3, 16, 16) and item["caption_ids"].shape == (24,)
    caption = ByteTokenizer().decode(item["caption_ids"])
    shapes = ShapesDataset(40, 16, 3, seed=0)
    assert caption == shapes.caption_for(0)
    assert info["val_caption_examples"][0].startswith("a ")
    unconditional, _, _ = build_datasets(
        "diffusion", diffusion_cfg(text_conditioning=False), "synthetic", seed=0
    )
    assert "caption_ids" not in unconditional[0]
    torch.testing.assert_close(unconditional[0]["noisy"], item["noisy"])


def write_pngs(folder, count, color):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        Image.fromarray(np.full((12, 12, 3), color, dtype=np.uint8)).save(folder / f"{i}.png")


def test_user_data_from_jsonl_and_from_an_image_folder(tmp_path):
    write_pngs(tmp_path / "imgs", 6, 200)
    lines = [json.dumps({"image": f"imgs/{i}.png", "caption": f"white {i}"}) for i in range(6)]
    (tmp_path / "pairs.jsonl").write_text("\n".join(lines))
    cfg = diffusion_cfg(val_fraction=0.34)
    train, val, info = build_datasets("diffusion", cfg, str(tmp_path / "pairs.jsonl"), seed=0)
    assert info["num_train_images"] + len(val) == 6
    assert ByteTokenizer().decode(val[0]["caption_ids"]).startswith("white ")
    folder = tmp_path / "folder"
    write_pngs(folder / "cat", 4, 10)
    write_pngs(folder / "dog", 4, 250)
    train, val, info = build_datasets("diffusion", cfg, str(folder), seed=0)
    captions = {ByteTokenizer().decode(train[i]["caption_ids"]) for i in range(len(train))}
    assert captions == {"cat", "dog"}
    assert train[0]["noisy"].shape == (3, 16, 16)


class _Oracle(torch.nn.Module):
    """Predicts the exact noise of NoisedSamples items (it reads the draws)."""

    def __init__(self, noises):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))
        self.noises = noises

    def forward(self, noisy, timesteps, caption_ids=None):
        return self.noises[: noisy.size(0)] + 0 * self.weight


def test_evaluator_reports_the_zero_noise_baseline_and_an_exact_model_scores_zero():
    _, val, _ = build_datasets("diffusion", diffusion_cfg(), "synthetic", seed=0)
    noises = torch.stack([val[i]["targets"] for i in range(len(val))])
    exact = evaluate_model(_Oracle(noises), "diffusion", val, batch_size=8)
    assert exact["loss"] == 0 and exact["num_samples"] == 8
    assert exact["loss_shuffled_captions"] == 0  # the oracle ignores captions
    zero = evaluate_model(_Oracle(torch.zeros_like(noises)), "diffusion", val, batch_size=8)
    assert zero["loss"] == pytest.approx(zero["zero_noise_mse"])
    assert zero["zero_noise_mse"] == pytest.approx(float(noises.square().mean()))
    batch = {"targets": noises}
    assert LOSSES["diffusion"](torch.zeros_like(noises), batch).item() == pytest.approx(
        float(noises.square().mean())
    )
