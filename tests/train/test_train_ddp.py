import json
import os
import subprocess
import sys
import textwrap

import torch
from tests.paths import REPO

torch.set_num_threads(1)

SRC = REPO / "src"

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import torch
    from torch import nn

    import metagen.train.loop as loop
    from metagen.tasks.runtime import EVALUATORS, LOSSES, build_datasets
    from metagen.train.distributed import cleanup_distributed, setup_distributed

    torch.set_num_threads(1)
    out = Path(sys.argv[1])
    dist = setup_distributed(device="cpu")
    real_write = loop.atomic_write_json

    def recording_write(path, obj):
        (out / f"wrote_rank{dist.rank}.txt").write_text(str(path))
        real_write(path, obj)

    loop.atomic_write_json = recording_write

    class BigramLM(nn.Module):
        def __init__(self, vocab_size=259):
            super().__init__()
            self.table = nn.Embedding(vocab_size, vocab_size)

        def forward(self, input_ids):
            return self.table(input_ids)

    train, val, _ = build_datasets(
        "language_modeling", {"seq_len": 16, "synthetic_chars": 5000}, "synthetic", 0
    )
    torch.manual_seed(dist.rank)  # different inits: DDP must broadcast rank 0's weights
    cfg = {"steps": 6, "batch_size": 4, "lr": 1e-2, "min_lr_ratio": 0.1, "warmup_steps": 2,
           "weight_decay": 0.0, "grad_clip": 1.0, "eval_every": 3, "eval_batches": 2,
           "checkpoint_every": 3, "seed": 0}
    model = BigramLM()
    task = "language_modeling"
    result = loop.train_model(model, task=task, loss_fn=LOSSES[task], evaluator=EVALUATORS[task],
                              train_ds=train, val_ds=val, cfg=cfg, out_dir=out, dist=dist,
                              progress=False)
    (out / f"rank{dist.rank}.json").write_text(json.dumps({
        "eval": result["eval"],
        "curve": result["loss_curve"],
        "weights_sum": float(model.table.weight.double().sum()),
    }))
    cleanup_distributed()
    """
)


def test_two_process_gloo_training_writes_metrics_once(tmp_path):
    script = tmp_path / "ddp_train.py"
    script.write_text(SCRIPT)
    out = tmp_path / "run"
    out.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
    }
    env["OMP_NUM_THREADS"] = "1"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    proc = subprocess.run(
        [*cmd, str(script), str(out)], env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    assert sorted(p.name for p in out.glob("wrote_rank*")) == ["wrote_rank0.txt"]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["world_size"] == 2 and metrics["steps"] == 6
    assert metrics["samples_per_second"] > 0 and len(metrics["loss_curve"]) == 6
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in range(2)]
    # Every rank returns rank 0's evaluation and the all-reduced loss curve ...
    assert ranks[0]["eval"] == ranks[1]["eval"] == metrics["eval"]
    assert ranks[0]["curve"] == ranks[1]["curve"] == metrics["loss_curve"]
    # ... and gradient averaging kept the replicas identical.
    assert ranks[0]["weights_sum"] == ranks[1]["weights_sum"]
    assert (out / "checkpoints" / "latest" / "model.safetensors").is_file()
    assert proc.stdout.count("wrote ") == 1  # only rank 0 logs
