"""Measure image to code as a user runs it, and write the table into docs/image_to_code.md
between its `measured` markers.

    python scripts/measure_image_to_code.py [--pairs 4000] [--steps 8000] [--seed 0]

It writes --pairs image/code pairs (`metagen data image-to-code`), synthesizes
examples/specs/multimodal/image_to_code.yaml, trains it at the smoke scale for --steps steps
in its three stages with the run's own train.py, and scores the test split (template
combinations held out of training and validation) with the run's own evaluate.py. Beside
it: the same model untrained (its initial weights, scored by the same evaluator) and the
two baselines the evaluator reports, which write the most common training code (of any
kind, and of the picture's kind) whatever the picture. tests/e2e/test_image_to_code_learns.py
runs `measure` and asserts the claims.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "examples" / "specs" / "multimodal" / "image_to_code.yaml"
DOC = REPO / "docs" / "image_to_code.md"
BEGIN, END = "<!-- measured:begin -->", "<!-- measured:end -->"
ROWS = (  # (label, metric)
    ("HTML parses", "html_parse_rate"),
    ("HTML attributes matched", "html_attribute_accuracy"),
    ("chart scripts run", "chart_run_rate"),
    ("chart attributes matched", "chart_attribute_accuracy"),
    ("flowchart functions compile", "function_compile_rate"),
    ("flowchart checks passed", "function_checks_passed"),
    ("attribute accuracy (all kinds)", "attribute_accuracy"),
    ("exact match", "exact_match"),
    ("BLEU (sacrebleu, 0-100)", "bleu"),
    ("description BLEU", "description_bleu"),
)


def untrained_scores(run: Path, pairs: Path) -> dict:
    """The run's model at its initial weights (train.py's seed), scored on the test split."""
    from metagen.archs.build import build_from_dims
    from metagen.evaluate.evaluation import evaluate_model
    from metagen.tasks.image_to_code.data import image_code_datasets
    from metagen.tasks.image_to_code.evaluate import evaluate_image_to_code

    config = json.loads((run / "code" / "config.json").read_text())
    smoke = config["scales"]["smoke"]
    torch.manual_seed(smoke["train"]["seed"])
    model = build_from_dims("vlm", smoke["model"])
    _, test, _ = image_code_datasets(smoke["data"], str(pairs / "test.jsonl"), 0)
    return evaluate_model(model, evaluate_image_to_code, test, batch_size=16)


def measure(work: Path, pairs: int, steps: int, seed: int) -> dict:
    """Write the pairs, train, and score the trained and the untrained model on test."""
    from metagen.datagen.image_to_code.pairs import write_pairs
    from metagen.train_cli import resolve_run_dir

    data = work / "pairs"
    write_pairs(data, pairs, seed)
    run = resolve_run_dir(SPEC, work, "trained", seed)
    out = run / "train" / "smoke"
    started = time.perf_counter()
    for script, *args in (
        ("train.py", "--scale", "smoke", "--steps", str(steps), "--data", str(data), "--out",
         str(out), "--no-progress"),
        ("evaluate.py", "--checkpoint", str(out), "--data", str(data / "test.jsonl"), "--out",
         str(out / "eval_test")),
    ):  # fmt: skip
        done = subprocess.run([sys.executable, script, *args], cwd=run / "code",
                              capture_output=True, text=True)  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"{script} failed:\n{done.stderr[-3000:]}")
    trained = json.loads((out / "eval_test" / "metrics.json").read_text())
    metrics = json.loads((out / "metrics.json").read_text())
    return {
        "trained": trained,
        "untrained": untrained_scores(run, data),
        "train_seconds": metrics["wall_seconds"],
        "wall_seconds": time.perf_counter() - started,
        "parameters": metrics["num_parameters"],
        "stages": [(s["name"], s["last_step"] - s["first_step"] + 1) for s in metrics["stages"]],
        "steps": steps,
        "pairs": pairs,
        "seed": seed,
    }


def table(result: dict) -> str:
    trained, untrained = result["trained"], result["untrained"]
    stages = ", ".join(f"{name} {n}" for name, n in result["stages"])
    lines = [
        f"Measured {datetime.date.today()} on {platform.processor() or platform.machine()} "
        f"({torch.get_num_threads()} threads) by `python scripts/measure_image_to_code.py "
        f"--pairs {result['pairs']} --steps {result['steps']} --seed {result['seed']}`: "
        f"{result['parameters']:,} parameters (the smoke scale's dims), {result['steps']} "
        f"steps of batch 8 in three stages ({stages}), trained in "
        f"{result['train_seconds'] / 60:.1f} min; scored on the {trained['num_samples']} test "
        "pairs, whose template combinations training and validation never saw.",
        "",
        "| | trained | untrained | baseline: most common code | baseline: most common code of the kind |",
        "|---|---|---|---|---|",
    ]
    for label, key in ROWS:
        cells = [trained.get(key), untrained.get(key), trained.get(f"baseline_{key}"),
                 trained.get(f"kind_baseline_{key}")]  # fmt: skip
        shown = ["" if v is None else f"{v:.1f}" if "bleu" in key else f"{v:.3f}" for v in cells]
        lines.append(f"| {label} | " + " | ".join(shown) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=4000)
    parser.add_argument("--steps", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--keep", type=Path, help="a new folder to keep the pairs and run in")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True)
        result = measure(args.keep, args.pairs, args.steps, args.seed)
    else:
        with tempfile.TemporaryDirectory() as work:
            result = measure(Path(work), args.pairs, args.steps, args.seed)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    text = DOC.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    DOC.write_text(f"{head}{BEGIN}\n{table(result)}\n{END}{tail}")
    print(table(result))


if __name__ == "__main__":
    main()
