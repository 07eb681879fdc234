"""Progressive training (spec training.stages): the stage each step belongs to, and the
freezing it means. A stage trains the model's parts (top-level modules) that it names and
freezes the others; a frozen part also runs in eval mode, so that its batch-norm statistics
and dropout stay as they were too. The optimizer holds every parameter throughout: a frozen
one gets no gradient, and AdamW leaves a parameter without one untouched, weight decay
included. A package whose config has no stages never imports this module."""

from torch import nn


class Staging:
    """The training loop's view of config.json's train.stages: each a dict of name, steps,
    train (a list of parts, or "all") and lr (None: the run's)."""

    def __init__(self, stages: list[dict]) -> None:
        self.stages = stages
        self.now: int | None = None  # the stage the model is set up for
        self.fixed: set[str] = set()  # parameters the model itself never trains

    def stage_at(self, step: int) -> tuple[int, int]:
        """The index of the stage that optimizer step `step` (counted from 0) belongs to, and
        that stage's first step."""
        start = 0
        for index, stage in enumerate(self.stages):
            if step < start + stage["steps"]:
                return index, start
            start += stage["steps"]
        return len(self.stages) - 1, start - self.stages[-1]["steps"]

    def start(self, model: nn.Module, steps: int, log) -> None:
        """Check the stages against the model, and share a run of other length than theirs
        (--steps, an epoch cap) among them in proportion; note what the model fixes itself
        (position tables, say), which no stage unfreezes."""
        total = sum(stage["steps"] for stage in self.stages)
        if steps < len(self.stages):
            raise ValueError(f"{steps} steps cannot run {len(self.stages)} stages of one or more")
        if total != steps:
            shares = [max(1, round(stage["steps"] * steps / total)) for stage in self.stages]
            shares[-1] += steps - sum(shares)
            while shares[-1] < 1:  # the rounding gave the others too much: take it back
                longest = shares.index(max(shares))
                shares[longest], shares[-1] = shares[longest] - 1, shares[-1] + 1
            self.stages = [
                {**stage, "steps": n} for stage, n in zip(self.stages, shares, strict=True)
            ]
            log(f"the stages' {total} steps become {steps}: {shares}")
        parts = [name for name, _ in model.named_children()]
        for stage in self.stages:
            unknown = (
                [p for p in stage["train"] if p not in parts] if stage["train"] != "all" else []
            )
            if unknown:
                raise ValueError(
                    f"stage {stage['name']!r} trains {', '.join(unknown)}, which this model "
                    f"does not have; its parts are {', '.join(parts)}"
                )
        self.fixed = {name for name, p in model.named_parameters() if not p.requires_grad}

    def enter(self, model: nn.Module, step: int, log) -> bool:
        """Set the model up for the stage of `step`; True when that is a new stage."""
        index = self.stage_at(step)[0]
        if index == self.now:
            return False
        self.now = index
        self.refreeze(model)
        stage, learning = (
            self.stages[index],
            sum(p.numel() for p in model.parameters() if p.requires_grad),
        )
        alone = f" without {', '.join(stage['leave_out'])}" if stage.get("leave_out") else ""
        log(f"stage {stage['name']}: {stage['steps']} steps training {stage['train']} "
            f"({learning:,} parameters){alone}")  # fmt: skip
        return True

    def fed(self, batch: dict) -> dict:
        """The batch without the inputs the current stage leaves out (a VLM's images, while
        its language model learns the text alone)."""
        assert self.now is not None, "fed follows enter"
        left_out = self.stages[self.now].get("leave_out") or []
        return {key: value for key, value in batch.items() if key not in left_out}

    def ends_at(self, step: int) -> bool:
        """True when `step` steps done complete a stage other than the last."""
        return self.stage_at(step)[0] != self.now

    def schedule(self, peak: float, warmup: int, step: int) -> tuple[float, int, int, int]:
        """(peak lr, steps, warmup steps, step within) of the schedule that `step` is on: its
        stage's, from the stage's own peak, with warmup at most a tenth of the stage."""
        index, start = self.stage_at(step)
        stage = self.stages[index]
        return stage["lr"] or peak, stage["steps"], min(warmup, stage["steps"] // 10), step - start

    def frozen_parts(self, model: nn.Module, stage: dict) -> list[str]:
        if stage["train"] == "all":
            return []
        return [name for name, _ in model.named_children() if name not in stage["train"]]

    def learns(self, model: nn.Module, stage: dict) -> dict[str, bool]:
        """Per parameter name: does it learn in `stage`. The model's own parameters, outside
        any part, learn only when it trains all."""
        frozen = set(self.frozen_parts(model, stage))
        return {
            name: name not in self.fixed
            and ("." in name or stage["train"] == "all")
            and name.split(".")[0] not in frozen
            for name, _ in model.named_parameters()
        }

    def refreeze(self, model: nn.Module) -> None:
        """Freeze the parts that the current stage does not train and put them in eval mode
        (evaluation leaves every part in train mode); unfreeze the rest."""
        assert self.now is not None, "refreeze follows enter"
        stage = self.stages[self.now]
        learns = self.learns(model, stage)
        for name, parameter in model.named_parameters():
            parameter.requires_grad_(learns[name])
        frozen = set(self.frozen_parts(model, stage))
        for name, part in model.named_children():
            part.train(model.training and name not in frozen)

    def summaries(self, model: nn.Module, loss_curve: list, evals: list) -> list[dict]:
        """Each stage's steps, parts, parameters that learn, loss curve and last evaluation."""
        summaries, start = [], 0
        sizes = {name: p.numel() for name, p in model.named_parameters()}
        for stage in self.stages:
            end = start + stage["steps"]
            in_stage = [e for e in evals if start < e["step"] <= end]
            learning = self.learns(model, stage).items()
            summaries.append({
                "name": stage["name"],
                "first_step": start + 1,
                "last_step": end,
                "train": stage["train"],
                "frozen": sorted(self.frozen_parts(model, stage)),
                "lr": stage["lr"],
                "left_out": stage.get("leave_out") or [],
                "trainable_parameters": sum(sizes[name] for name, yes in learning if yes),
                "loss_curve": [point for point in loss_curve if start < point[0] <= end],
                "eval": {k: v for k, v in in_stage[-1].items() if k != "step"} if in_stage else None,
            })  # fmt: skip
            start = end
        return summaries
