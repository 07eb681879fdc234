"""GPU paths of the loop: bf16 autocast, fp16 with a grad scaler, torch.compile, resume.

Skipped without CUDA (CI has none); run them on a GPU machine.
"""

import pytest
import torch
from safetensors.torch import load_file

from metagen.tasks.runtime import build_datasets, train_model
from metagen.train.distributed import setup_distributed

torch.set_num_threads(1)
pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


class GRULM(torch.nn.Module):
    def __init__(self, vocab_size=259, d=128):
        super().__init__()
        self.embed = torch.nn.Embedding(vocab_size, d)
        self.mix = torch.nn.Linear(2 * d, d)
        self.head = torch.nn.Linear(d, vocab_size)

    def forward(self, input_ids):
        x = self.embed(input_ids)  # (B, T, d)
        prev = torch.nn.functional.pad(x, (0, 0, 1, 0))[:, :-1]  # the previous token, causal
        return self.head(torch.relu(self.mix(torch.cat([x, prev], dim=-1))))  # (B, T, V)


CFG = {
    "steps": 60,
    "batch_size": 32,
    "lr": 3e-3,
    "min_lr_ratio": 0.1,
    "warmup_steps": 5,
    "weight_decay": 0.1,
    "grad_clip": 1.0,
    "eval_every": 20,
    "eval_batches": 4,
    "checkpoint_every": 20,
    "seed": 0,
}


@pytest.fixture(scope="module")
def lm_data():
    return build_datasets(
        "language_modeling", {"seq_len": 64, "synthetic_chars": 50_000}, "synthetic", 0
    )


def _run(data, out_dir, **kwargs):
    torch.manual_seed(0)
    train, val, _ = data
    return train_model(
        GRULM(),
        task="language_modeling",
        train_ds=train,
        val_ds=val,
        cfg=kwargs.pop("cfg", CFG),
        out_dir=out_dir,
        dist=setup_distributed(device="cuda"),
        log_fn=lambda *a: None,
        progress=False,
        **kwargs,
    )


@pytest.mark.parametrize("precision", ["auto", "fp16", "fp32"])
def test_cuda_training_learns_in_each_precision(lm_data, tmp_path, precision):
    result = _run(lm_data, tmp_path, precision=precision)
    assert result["device"].startswith("cuda")
    expected = {"auto": "bf16", "fp16": "fp16", "fp32": "fp32"}[precision]
    assert result["precision"] == expected
    first, last = result["loss_curve"][0][1], result["loss_curve"][-1][1]
    assert last < 0.7 * first
    assert result["eval"]["loss"] < lm_data[2]["unigram_entropy_nats"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_cuda_compiled_run_saves_a_plain_state_dict(lm_data, tmp_path):
    result = _run(lm_data, tmp_path, compile=True, precision="auto")
    assert result["compiled"]
    keys = load_file(tmp_path / "checkpoints" / "latest" / "model.safetensors").keys()
    assert keys and not any("_orig_mod" in k for k in keys)


def test_cuda_resume_continues_the_curve(lm_data, tmp_path):
    full = _run(lm_data, tmp_path / "full", precision="fp32")
    _run(lm_data, tmp_path / "resumed", precision="fp32", stop_at_step=40)
    resumed = _run(lm_data, tmp_path / "resumed", precision="fp32", resume=True)
    assert resumed["resumed_from_step"] == 40
    full_curve = torch.tensor(full["loss_curve"])
    torch.testing.assert_close(torch.tensor(resumed["loss_curve"]), full_curve, rtol=1e-4, atol=0)
