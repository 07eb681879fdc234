"""The plots of the generative tasks show what the model really produced for held-out inputs:
a language model's continuation is its greedy choice (recomputed here without the KV cache)
and the reference is the text that follows the prompt; a masked LM's fills score as its
evaluator scores them; a VLM's pictures and references are the held-out pairs; a diffusion
model's references are the held-out pictures its noised samples came from; an audio model's
spectrograms equal torch.stft's, and its sampling is seeded without touching the caller's."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from tests.paths import EXAMPLES
from tests.report.generative_runs import CPU, fresh_model_and_batch

from metagen.data.audio_io import mu_law_decode
from metagen.data.pixels import denormalize_pixels
from metagen.data.tokenizer import ByteTokenizer
from metagen.predictions.captions import collect_captions
from metagen.report.plots import drawer
from metagen.report.plots.audio_continuations import spectrogram_db
from metagen.report.plots.generated_text import CUT, NEWLINE, panel_lines, visible
from metagen.tasks.audio_generation import predictions as audio_predictions
from metagen.tasks.diffusion.data_noise import NoiseSchedule
from metagen.tasks.diffusion.predictions import MIN_SIGNAL, collect_samples
from metagen.tasks.language_modeling.predictions import collect_continuations
from metagen.tasks.masked_lm.evaluate import evaluate_masked_lm
from metagen.tasks.masked_lm.predictions import MASK_MARK, collect_mask_fills

torch.set_num_threads(1)


def test_panel_lines_mark_breaks_escape_control_bytes_and_cut_long_texts() -> None:
    assert panel_lines("a\nb\n", 10, 5) == [f"a{NEWLINE}", f"b{NEWLINE}"]
    assert panel_lines("a\nb", 10, 5) == [f"a{NEWLINE}", "b"]
    assert panel_lines("a\x10b", 10, 5) == ["a\\x10b"]  # no font draws a control byte
    assert panel_lines("x" * 25, 10, 2) == ["x" * 10, "x" * 9 + CUT]
    assert panel_lines("", 10, 2) == ["(empty)"]


def test_lm_continuation_is_the_greedy_choice_and_the_reference_follows_the_prompt(tmp_path):
    model, batch, info, _, _ = fresh_model_and_batch(EXAMPLES / "text" / "text_llm.yaml")
    with torch.no_grad():
        collected = collect_continuations(model, iter([batch]), CPU, info)
        tokenizer = ByteTokenizer()
        half = collected["prompt_tokens"]
        for index, sample in enumerate(collected["samples"]):
            window = torch.cat((batch["input_ids"][index], batch["targets"][index, -1:]))
            assert sample["prompt"] == tokenizer.decode(window[:half])
            assert sample["reference"] == tokenizer.decode(window[half:])
            ids = window[:half][None]  # greedy by hand: the whole sequence each step, no cache
            for _ in range(collected["new_tokens"]):
                ids = torch.cat((ids, model(ids)[:, -1].argmax(-1, keepdim=True)), dim=1)
            assert sample["generated"] == tokenizer.decode(ids[0, half:])
            agree = int((ids[0, half:] == window[half:]).sum())
            assert sample["matching_tokens"] == agree
    drawn = drawer("generated_text")(collected, tmp_path)
    shown = json.loads((tmp_path / "generated_text.json").read_text())["samples"]
    assert [path.name for path in drawn] == ["generated_text.png"]
    for sample, lines in zip(collected["samples"], shown, strict=True):  # short: shown whole
        for field in ("prompt", "generated", "reference"):
            drawn_text = "".join(lines[field]).replace(NEWLINE, "\n")
            assert drawn_text == (visible(sample[field]) or "(empty)")


def test_masked_lm_fills_score_as_the_evaluator_scores_them() -> None:
    model, batch, info, _, _ = fresh_model_and_batch(EXAMPLES / "text" / "masked_lm.yaml")
    with torch.no_grad():
        collected = collect_mask_fills(model, iter([batch]), CPU, info)
        samples = collected["samples"]
        first = {k: v[: len(samples)] for k, v in batch.items()}
        accuracy = evaluate_masked_lm(model, [first], CPU)["accuracy"]
    right = sum(s["right_tokens"] for s in samples)
    assert right / sum(s["scored_tokens"] for s in samples) == pytest.approx(accuracy)
    tokenizer = ByteTokenizer()
    for index, sample in enumerate(samples):
        ids, targets = first["input_ids"][index], first["targets"][index]
        assert sample["prompt"].count(MASK_MARK) == int((ids == info["mask_id"]).sum())
        assert sample["reference"] == tokenizer.decode(torch.where(targets >= 0, targets, ids))


def test_vlm_pictures_and_references_are_the_held_out_pairs(tmp_path) -> None:
    model, batch, info, val, _ = fresh_model_and_batch(EXAMPLES / "multimodal" / "small_vlm.yaml")
    with torch.no_grad():
        collected = collect_captions(model, iter([batch]), CPU, info)
    count = len(collected["images"])
    assert count == len(collected["samples"]) == 8
    expected = denormalize_pixels(batch["images"][:count]).clamp(0, 1)
    torch.testing.assert_close(collected["images"], expected)
    references = [sample["reference"] for sample in collected["samples"]]
    assert references == [val.pairs.caption(i) for i in range(count)]
    drawer("generated_text")(collected, tmp_path)
    pictures = json.loads((tmp_path / "generated_pictures.json").read_text())["pictures"]
    assert len(pictures) == count


@pytest.mark.parametrize(
    "spec, count", [("image/small_diffusion.yaml", 8), ("video/small_video_diffusion.yaml", 4)]
)
def test_diffusion_references_are_the_held_out_pictures_of_the_captions(spec, count, tmp_path):
    model, batch, info, val, _ = fresh_model_and_batch(EXAMPLES / spec)
    with torch.no_grad():
        collected = collect_samples(model, iter([batch]), CPU, info)
    schedule = NoiseSchedule(info["num_timesteps"], info["beta_schedule"])
    kept = [i for i, t in enumerate(batch["timesteps"].tolist())
            if schedule.alphas_cumprod[t] >= MIN_SIGNAL][:count]  # fmt: skip
    clean = torch.stack([val.clean[i]["images"] for i in kept])  # pictures or clips
    torch.testing.assert_close(
        collected["references"], denormalize_pixels(clean).clamp(0, 1), atol=1e-4, rtol=0
    )
    assert collected["captions"] == [val.clean.pairs.caption(i) for i in kept]
    samples = collected["samples"]
    assert samples.shape == collected["references"].shape and len(samples) == count
    assert float(samples.min()) >= 0 and float(samples.max()) <= 1
    assert collected["sampler"].startswith("DDIM, 50 steps")
    drawer("diffusion_samples")(collected, tmp_path)
    shown = json.loads((tmp_path / "diffusion_samples.json").read_text())
    assert shown["captions"] == collected["captions"]


def test_spectrogram_equals_torch_stft() -> None:
    wave = np.random.default_rng(0).standard_normal(1000)
    n_fft, hop = 128, 32
    reference = torch.stft(torch.from_numpy(wave), n_fft, hop, window=torch.hann_window(
        n_fft, periodic=False, dtype=torch.float64), center=False, return_complex=True)  # fmt: skip
    expected = 10 * np.log10(reference.abs().square().numpy() + 1e-10)
    np.testing.assert_allclose(spectrogram_db(wave, n_fft, hop), expected, atol=1e-6)


def test_audio_sampling_is_seeded_apart_from_the_callers_generator(monkeypatch, tmp_path):
    monkeypatch.setattr(audio_predictions, "CONTINUATION", 64)  # the test's time, not the plot's
    model, batch, info, _, _ = fresh_model_and_batch(EXAMPLES / "audio" / "audio_musicgen.yaml")
    state = torch.get_rng_state()
    with torch.no_grad():
        first = audio_predictions.collect_continuations(model, iter([batch]), CPU, info)
        again = audio_predictions.collect_continuations(model, iter([batch]), CPU, info)
    assert torch.equal(torch.get_rng_state(), state)
    np.testing.assert_array_equal(first["generated"], again["generated"])
    assert first["generated"].shape == (audio_predictions.SAMPLES, 64)
    np.testing.assert_array_equal(
        first["references"], mu_law_decode(batch["targets"][: audio_predictions.SAMPLES, :64])
    )
    drawer("audio_continuations")(first, tmp_path)
    shown = json.loads((tmp_path / "audio_spectrograms.json").read_text())["spectrograms_db"]
    tail, after = first["prompt_tails"][0].numpy(), first["references"][0]
    expected = np.round(spectrogram_db(np.concatenate([tail, after]).astype(float)), 1)
    np.testing.assert_allclose(shown["held-out"][0], expected)
