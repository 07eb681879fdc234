"""Samples a trained denoiser draws with the inference script's sampler (DDIM, 50 steps, eta 0),
each conditioned on a held-out caption where the model reads text, beside the held-out
picture or clip that caption came with (library only, for the plots and the report)."""

from __future__ import annotations

import torch

from metagen.data.pixels import denormalize_pixels
from metagen.data.tokenizer import ByteTokenizer
from metagen.tasks.diffusion.data_noise import NoiseSchedule, ddim_sample

SAMPLES = 8
CLIPS = 4  # of video: each clip is a row of frames
DDIM_STEPS = 50  # infer.py's default
SEED = 0  # of the starting noise, as infer.py's default
# A held-out sample is stored noised; its clean picture is recovered exactly from the noise,
# except where almost no signal is left (float32 rounding grows as 1 / sqrt(abar)).
MIN_SIGNAL = 1e-3  # the least abar_t of a sample whose clean picture is recovered


def collect_samples(model, batches, device, info) -> dict:
    """{"kind": "diffusion_samples", "samples" and "references" (n, C, H, W) or (n, C, T, H,
    W) in [0, 1], the captions where the model reads text, and the sampler}."""
    schedule = NoiseSchedule(int(info["num_timesteps"]), str(info["beta_schedule"]))
    count = CLIPS if info.get("kind") == "video" else SAMPLES
    held_out = _clean_held_out(batches, schedule, count)
    captions = held_out.get("caption_ids")
    extra = {} if captions is None else {"caption_ids": captions.to(device)}
    references = held_out["references"]

    def denoise(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return model(noisy=x, timesteps=t, **extra)

    steps = min(DDIM_STEPS, schedule.num_timesteps)
    generator = torch.Generator().manual_seed(SEED)
    drawn = ddim_sample(denoise, references.shape, schedule, steps=steps, eta=0.0,
                        generator=generator, device=device)  # fmt: skip
    collected = {
        "kind": "diffusion_samples",
        "samples": denormalize_pixels(drawn.float().cpu()).clamp(0.0, 1.0),
        "references": denormalize_pixels(references.cpu()).clamp(0.0, 1.0),
        "sampler": f"DDIM, {steps} steps, eta 0, seed {SEED}",
        "data_kind": str(info.get("kind", "image")),
    }
    if captions is not None:
        tokenizer = ByteTokenizer()  # the captions' tokenizer (caption_token_ids)
        collected["captions"] = [tokenizer.decode(ids) for ids in captions]
    return collected


def _clean_held_out(batches, schedule: NoiseSchedule, most: int) -> dict[str, torch.Tensor]:
    """Up to `most` held-out samples with signal left, their clean pictures ("references",
    x_0 = (x_t - sqrt(1 - abar) noise) / sqrt(abar)) and their captions, if any."""
    kept: dict[str, list[torch.Tensor]] = {"references": [], "caption_ids": []}
    count = 0
    for batch in batches:
        t = batch["timesteps"]
        usable = schedule.alphas_cumprod[t] >= MIN_SIGNAL  # (B,)
        noisy, noise = batch["noisy"][usable].double(), batch["targets"][usable].double()
        clean = schedule.predict_x0(noisy, t[usable], noise).float()
        kept["references"].append(clean[: most - count])
        if "caption_ids" in batch:
            kept["caption_ids"].append(batch["caption_ids"][usable][: most - count])
        count += len(kept["references"][-1])
        if count >= most:
            break
    if count == 0:
        raise ValueError("no held-out samples to draw beside")
    return {k: torch.cat(v) for k, v in kept.items() if v}
