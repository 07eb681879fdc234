"""The training loop: seeded data order, AdamW + warmup/cosine, eval, atomic checkpoints,
early stopping on the task's headline metric, the best weights restored, and a wall-time
budget."""

import dataclasses
import math
import platform
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import torch
import torch.distributed as torch_dist
from torch.utils.data import DataLoader

from metagen.data.batch import model_inputs, move_batch
from metagen.evaluate.evaluation import evaluate_model
from metagen.train.atomic import atomic_write_json
from metagen.train.checkpoint import find_checkpoint, load_checkpoint, save_checkpoint, unwrap_model
from metagen.train.distributed import DistInfo, shard_indices
from metagen.train.optim import configure_optimizer
from metagen.train.precision import autocast_context, resolve_precision
from metagen.train.progress import ProgressBar
from metagen.train.rng import restore_rng_states, rng_states, seed_everything
from metagen.train.schedule import lr_at

TRAIN_KEYS = (
    *("steps", "batch_size", "lr", "min_lr_ratio", "warmup_steps", "weight_decay", "grad_clip"),
    *("eval_every", "eval_batches", "checkpoint_every", "seed"),
)


def train_model(
    model: torch.nn.Module,
    *,
    task: str,
    loss_fn: Callable,
    evaluator: Callable,
    train_ds,
    val_ds,
    cfg: dict,
    out_dir,
    resume: bool = False,
    dist: DistInfo | None = None,
    compile: bool = False,
    precision: str = "auto",
    log_fn=print,
    progress: bool = True,
    stop_at_step: int | None = None,
    staging=None,
    monitor: tuple[str, bool] = ("loss", False),
    deadline: float | None = None,
) -> dict:
    """Train `task` for cfg["steps"] steps of cfg["batch_size"] per rank, minimising
    `loss_fn(outputs, batch)`, evaluating with `evaluator(model, batches, device)` every
    cfg["eval_every"] steps and at the end; checkpoint; write out_dir/metrics.json.
    `monitor` (metric, higher is better) is what the evaluations are judged by: the best
    evaluation's weights are kept (checkpoints/best) and restored at the end unless
    cfg["keep_best"] is false, and cfg["patience"] evaluations without a better one stop the
    run (neither in a staged run, which trains every stage to its end). `deadline` (time.perf_counter's clock) stops it in time to evaluate and save before
    then. `stop_at_step` ends the run early, checkpointed, as an interruption would. A
    `staging` (train/stages.py, for cfg["stages"]) trains each stage's parts, the others
    frozen, on the stage's own schedule, and evaluates at each stage's end."""
    cfg, dist = check_train_config(cfg), dist or DistInfo()
    # a staged run trains every stage to its end: an earlier stage's best is not the result
    keep_best = cfg.get("keep_best", True) and staging is None
    log = log_fn if dist.is_main else (lambda *args, **kwargs: None)
    out_dir, precision = Path(out_dir), resolve_precision(dist.device_type, precision)
    ckpt_dir, total = out_dir / "checkpoints", cfg["steps"]
    raw_model, optimizer, state = _prepare(model, cfg, dist, resume, ckpt_dir, log)
    model = _wrap_model(raw_model, dist, compile)
    if bool(cfg.get("stages")) != (staging is not None):
        raise ValueError("cfg['stages'] and a staging come together: staging=Staging(stages)")
    if staging is not None:
        staging.start(raw_model, total, log)
    fp16_cuda = precision == "fp16" and dist.device_type == "cuda"
    scaler = torch.amp.GradScaler(dist.device_type, enabled=fp16_cuda)
    start_step = state.step
    log(
        f"training {task}: {sum(p.numel() for p in raw_model.parameters()):,} parameters, "
        f"{total} steps, batch {cfg['batch_size']} x {dist.world_size} rank(s) on "
        f"{dist.device} ({precision})"
    )
    # num_workers is optional: it changes only how batches load, not their order
    batches = train_batches(train_ds, cfg, dist, start_step, cfg.get("num_workers", 0))
    bar = ProgressBar(total, initial=start_step, enabled=progress and dist.is_main)
    started = time.perf_counter()
    judge = Judge(*monitor, patience=None if staging else cfg.get("patience"))
    eval_batches = min(cfg["eval_batches"], math.ceil(len(val_ds) / cfg["batch_size"]))
    step_flops = TRAIN_FLOPS_PER_FORWARD * cfg.get("flops_per_sample", 0) * cfg["batch_size"]
    clock = RunClock(started, deadline, dist, eval_batches, step_flops)
    stop_reason = None
    while state.step < total and (stop_at_step is None or state.step < stop_at_step):
        if clock.out_of_time():
            stop_reason = "time_budget"
            log(f"stopping at step {state.step}: the time budget ends in "
                f"{clock.left():.0f} s, which the last evaluation and save need")  # fmt: skip
            break
        # DDP registers the parameters that need gradients when it wraps: a stage rewraps
        if staging and staging.enter(raw_model, state.step, log) and dist.is_distributed:
            model = _wrap_model(raw_model, dist, compile)
        lr = _set_lr(optimizer, cfg, state.step, staging)
        batch = move_batch(staging.fed(next(batches)) if staging else next(batches), dist.device)
        loss = _train_step(model, optimizer, scaler, batch, loss_fn, cfg, dist, precision)
        state.step += 1
        loss_value = _mean_over_ranks(loss, dist)
        if not math.isfinite(loss_value):
            raise FloatingPointError(
                f"loss became {loss_value} at step {state.step}; lower train.lr or "
                "raise train.warmup_steps."
            )
        state.loss_curve.append([state.step, loss_value, lr])
        bar.update(state.step, loss=loss_value, lr=lr)
        clock.stepped(state.step - start_step, total - state.step, log)
        periodic = cfg["eval_every"] > 0 and state.step % cfg["eval_every"] == 0
        if state.step < total and (periodic or staging and staging.ends_at(state.step)):
            with clock.measuring("eval"):
                _eval_and_track(raw_model, evaluator, val_ds, cfg, dist, precision, state, log)
                if judge.judge(state) and keep_best:
                    _save_best(ckpt_dir, raw_model, state, task, cfg, dist)
            if staging:
                staging.refreeze(raw_model)
            if judge.exhausted(state):
                stop_reason = "patience"
                log(f"stopping at step {state.step}: {judge.metric} has not improved on step "
                    f"{state.best['step']}'s {state.best['value']:.4g} in {judge.patience} "
                    "evaluations")  # fmt: skip
                break
        if cfg["checkpoint_every"] > 0 and state.step % cfg["checkpoint_every"] == 0:
            with clock.measuring("save"):
                _save(ckpt_dir, "latest", raw_model, optimizer, state, task, cfg, dist)
    bar.close()
    seconds = time.perf_counter() - started
    _eval_and_track(raw_model, evaluator, val_ds, cfg, dist, precision, state, log)
    judge.judge(state)
    restored = None
    ended = state.step >= total or stop_reason is not None  # not interrupted: resumable as is
    if ended and keep_best and state.best is not None and state.best["step"] != state.step:
        # the last weights evaluated worse than the best: those are the run's result
        load_checkpoint(ckpt_dir, model=raw_model, name=BEST, restore_rng=False)
        restored = state.best["step"]
        log(f"restored the weights of step {restored}, the best {judge.metric} "
            f"({state.best['value']:.4g})")  # fmt: skip
    _save(ckpt_dir, "latest", raw_model, optimizer, state, task, cfg, dist)
    metrics = _run_metrics(
        task, cfg, dist, state, start_step, seconds, raw_model, precision, compile
    )
    final = state.evals[-1] if restored is None else _best_eval(state)
    metrics.update(
        eval={k: v for k, v in final.items() if k != "step"},
        eval_step=final["step"],
        restored_best_step=restored,
        monitor={"metric": judge.metric, "higher_is_better": judge.higher, "best": state.best},
        stop_reason=stop_reason or ("steps" if state.step >= total else "interrupted"),
        completed=ended,
    )
    if staging:
        metrics["stages"] = staging.summaries(raw_model, state.loss_curve, state.evals)
    if dist.is_main:
        atomic_write_json(out_dir / "metrics.json", metrics)
        log(f"wrote {out_dir / 'metrics.json'}")
    if dist.is_distributed:
        torch_dist.barrier()
    return metrics


BEST = "best"  # the checkpoint of the best evaluation's weights
# A run whose measured pace says it will take longer than this on a CPU gets told so early,
# with the ways to make it shorter.
LONG_RUN_SECONDS = 30 * 60
PACE_STEPS = 5  # the steps timed, after the first, to estimate a run's length
# A run estimated to take longer than this on a CPU is told the estimate and what it rests on.
TOLD_RUN_SECONDS = 60
# A training step's FLOPs per forward FLOP: the forward, and a backward of about twice it
# (the input and the weight gradients).
TRAIN_FLOPS_PER_FORWARD = 3


@dataclasses.dataclass
class TrainState:
    step: int = 0
    loss_curve: list = dataclasses.field(default_factory=list)  # [step, loss] per step
    evals: list = dataclasses.field(default_factory=list)  # {"step": ..., metrics}
    best_val_loss: float | None = None
    resumed_from: int | None = None
    best: dict | None = None  # {"step", "value"}: the best evaluation of the monitored metric
    evals_since_best: int = 0
    judged_step: int | None = None  # the last evaluation the monitor judged


class Judge:
    """Judges each evaluation by one metric: whether it beats the best so far, and whether
    `patience` evaluations in a row have not (then the run stops). A tie (accuracy saturates
    on a small validation set) goes to the lower validation loss. A metric the evaluator does
    not report falls back to the validation loss."""

    def __init__(self, metric: str, higher: bool, patience: int | None) -> None:
        self.metric, self.higher = metric, higher
        self.patience = patience if patience and patience > 0 else None

    def judge(self, state: TrainState) -> bool:
        """True when the latest evaluation is the best so far; counts the ones that are not."""
        latest = state.evals[-1]
        if state.judged_step == latest["step"]:
            return False  # judged already
        state.judged_step = latest["step"]
        value = latest.get(self.metric)
        if not isinstance(value, int | float) or not math.isfinite(value):
            self.metric, self.higher, value = "loss", False, latest["loss"]
        best = state.best
        if best is None:
            improved = True
        elif value == best["value"]:
            improved = latest["loss"] < best.get("loss", math.inf)
        else:
            improved = value > best["value"] if self.higher else value < best["value"]
        if improved:
            step, loss = latest["step"], latest["loss"]
            state.best, state.evals_since_best = {"step": step, "value": value, "loss": loss}, 0
        else:
            state.evals_since_best += 1
        return improved

    def exhausted(self, state: TrainState) -> bool:
        return self.patience is not None and state.evals_since_best >= self.patience


class RunClock:
    """Wall time for a run: the pace measured on the first steps (told when the run would be
    long on a CPU), and a deadline that leaves room for the slowest evaluation and save seen,
    which the run still has to do at its end."""

    def __init__(
        self,
        started: float,
        deadline: float | None,
        dist: DistInfo,
        eval_batches: int,
        step_flops: float = 0,  # a step's FLOPs from the plan's per sample (0: not planned)
    ) -> None:
        self.deadline, self.dist, self.eval_batches = deadline, dist, eval_batches
        self.step_flops = step_flops
        self.slowest = {"eval": 0.0, "save": 0.0, "step": 0.0}
        self.last = self.first_step_end = started

    def stepped(self, steps_done: int, steps_left: int, log) -> None:
        now = time.perf_counter()
        if steps_done > 1:  # the first step pays for warming up: not a step's time
            self.slowest["step"] = max(self.slowest["step"], now - self.last)
        self.last = now
        if steps_done == 1:
            self.first_step_end = now
        elif steps_done == 1 + PACE_STEPS:
            pace = (now - self.first_step_end) / PACE_STEPS
            self.warn_if_long(pace, steps_left, log)

    def warn_if_long(self, pace: float, steps_left: int, log) -> None:
        """On a CPU, the time the steps left take: the plan's FLOPs over the rate the first
        steps ran at (the same as their pace times the steps), said when it is over
        TOLD_RUN_SECONDS, and over LONG_RUN_SECONDS with the ways to finish sooner."""
        estimate = pace * steps_left
        if self.dist.device_type != "cpu" or estimate <= TOLD_RUN_SECONDS or self.deadline:
            return
        if self.step_flops:
            work = self.step_flops * steps_left
            basis = (f"{steps_left:,} steps x {self.step_flops / 1e9:,.4g} GFLOP a step (3 x the "
                     f"plan's forward FLOPs a sample x the batch) = {work / 1e12:,.4g} TFLOP, at "
                     f"the {self.step_flops / pace / 1e9:,.3g} GFLOP/s of the first steps here")  # fmt: skip
        else:
            basis = f"{steps_left:,} steps at the {pace:.3g} s a step of the first steps here"
        if estimate <= LONG_RUN_SECONDS:
            log(f"estimated training time: about {estimate / 60:.0f} min ({basis})")
            return
        log(f"warning: training would take about {estimate / 60:.0f} min on this CPU ({basis}). "
            "To finish sooner: --time-budget (e.g. 30m) keeps the best weights found by then; "
            "--scale smoke trains small dims; a smaller constraints.parameter_budget plans a "
            "smaller model, or a GPU.")  # fmt: skip

    @contextmanager
    def measuring(self, what: str):
        began = time.perf_counter()
        try:
            yield
        finally:
            self.slowest[what] = max(self.slowest[what], time.perf_counter() - began)
            self.last = time.perf_counter()

    def left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.perf_counter()

    def out_of_time(self) -> bool:
        """Whether one more step would leave too little time for the final evaluation and
        save; decided on rank 0 and shared, so that every rank stops at the same step."""
        if self.deadline is None:
            return False
        # before the first evaluation, guess it from the steps: eval_batches forward passes
        # cost about a third of as many training steps
        evaluation = max(self.slowest["eval"], self.slowest["step"] * self.eval_batches / 3)
        needed = self.slowest["step"] + 1.2 * (evaluation + self.slowest["save"])
        stop = torch.tensor(float(self.left() <= needed), device=self.dist.device)
        if self.dist.is_distributed:
            torch_dist.broadcast(stop, src=0)
        return bool(stop)


def check_train_config(cfg: dict) -> dict:
    missing = [key for key in TRAIN_KEYS if cfg.get(key) is None]
    if missing:
        raise ValueError(f"train config lacks {missing}; set them in the spec's train section")
    if cfg["steps"] <= 0 or cfg["batch_size"] <= 0:
        raise ValueError(
            f"steps ({cfg['steps']}) and batch_size ({cfg['batch_size']}) must be positive"
        )
    return dict(cfg)


def _prepare(model, cfg, dist, resume, ckpt_dir, log):
    """Seed, place the model, build the optimizer, and load `latest` when resuming."""
    seed_everything(cfg["seed"] + dist.rank)
    raw_model = unwrap_model(model).to(dist.device).train()
    if getattr(raw_model, "prefers_channels_last", False):  # its 4-D weights in NHWC order
        raw_model = raw_model.to(memory_format=torch.channels_last)
    optimizer = configure_optimizer(raw_model, lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    if resume and find_checkpoint(ckpt_dir) is not None:
        state = _resume(ckpt_dir, raw_model, optimizer, dist)
        log(f"resumed from {ckpt_dir / 'latest'} at step {state.step}")
        return raw_model, optimizer, state
    if resume:
        log(f"no checkpoint in {ckpt_dir}; starting from step 0")
    return raw_model, optimizer, TrainState()


def train_batches(dataset, cfg: dict, dist: DistInfo, start_step: int, num_workers: int = 0):
    """Endless batches for this rank; batch k of the run depends only on (cfg["seed"], k)."""
    batch_size, seed = cfg["batch_size"], cfg["seed"]
    per_epoch = len(dataset) // dist.world_size // batch_size
    if per_epoch == 0:
        raise ValueError(
            f"training set of {len(dataset)} samples cannot fill one batch of {batch_size} "
            f"on each of {dist.world_size} ranks; lower train.batch_size or add data."
        )
    epoch, skip = divmod(start_step, per_epoch)
    while True:
        order = shard_indices(len(dataset), dist, epoch=epoch, seed=seed)
        order = order[skip * batch_size : per_epoch * batch_size]
        yield from DataLoader(
            dataset,
            batch_size=batch_size,
            sampler=order,
            generator=torch.Generator(),  # keeps the global RNG for the model alone
            num_workers=num_workers,
            pin_memory=dist.device_type == "cuda",
            # a dataset whose samples do not stack (graphs: a disjoint union) batches itself
            collate_fn=getattr(dataset, "collate", None),
        )
        epoch, skip = epoch + 1, 0


def _set_lr(optimizer, cfg: dict, step: int, staging=None) -> float:
    """Warmup then cosine decay over the run, or over each stage from its own peak."""
    peak, steps, warmup = cfg["lr"], cfg["steps"], cfg["warmup_steps"]
    if staging:
        peak, steps, warmup, step = staging.schedule(peak, warmup, step)
    lr = lr_at(step, peak, warmup, steps, cfg["min_lr_ratio"])
    for group in optimizer.param_groups:
        group["lr"] = lr
    return lr


def loss_options(cfg: dict) -> dict:
    """Keyword options of the task's loss: label smoothing, and `loss_variant` where a task
    has a choice of losses (regression: mse or huber) and config.json names one."""
    options = {"label_smoothing": cfg.get("label_smoothing", 0.0)}
    if cfg.get("loss_variant") is not None:
        options["variant"] = cfg["loss_variant"]
    return options


def _train_step(model, optimizer, scaler, batch, loss_fn, cfg, dist, precision):
    with autocast_context(dist.device_type, precision):
        outputs = model(**model_inputs(batch))
        loss = loss_fn(outputs, batch, **loss_options(cfg))
    optimizer.zero_grad(set_to_none=True)
    scaler.scale(loss).backward()
    if cfg["grad_clip"] > 0:
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
    scaler.step(optimizer)
    scaler.update()
    return loss.detach()


def _mean_over_ranks(value: torch.Tensor, dist: DistInfo) -> float:
    if dist.is_distributed:
        value = value.clone()
        torch_dist.all_reduce(value)
        value /= dist.world_size
    return float(value)


def _eval_and_track(model, evaluator, val_ds, cfg, dist, precision, state, log) -> None:
    """Evaluate, record (and the best validation loss), log; once per step."""
    if state.evals and state.evals[-1]["step"] == state.step:
        return  # already evaluated at this step
    results = _run_eval(model, evaluator, val_ds, cfg, dist, precision, cfg["eval_batches"])
    state.evals.append({"step": state.step, **results})
    if state.best_val_loss is None or results["loss"] < state.best_val_loss:
        state.best_val_loss = results["loss"]
    shown = ", ".join(f"{k} {v:.4f}" for k, v in results.items() if isinstance(v, float))
    log(f"step {state.step}: val {shown}")


def _best_eval(state: TrainState) -> dict:
    best = state.best or {}
    return next(e for e in state.evals if e["step"] == best.get("step"))


def _run_eval(model, evaluator, val_ds, cfg, dist, precision, max_batches):
    """Evaluate on rank 0; the other ranks wait. Returns the metrics on every rank."""
    results = [None]
    if dist.is_main:
        with autocast_context(dist.device_type, precision):
            results[0] = evaluate_model(
                model, evaluator, val_ds, batch_size=cfg["batch_size"], max_batches=max_batches
            )
    if dist.is_distributed:
        torch_dist.broadcast_object_list(results, src=0)
    return results[0]


def _save(directory, name, model, optimizer, state, task, cfg, dist) -> None:
    rank_rng = _gather_rng(dist)  # every rank takes part, only rank 0 writes
    if dist.is_main:
        config = {"task": task, "train": cfg, "model": _model_config(model)}
        history = {"loss_curve": state.loss_curve, "evals": state.evals}
        extra = {**history, "best_val_loss": state.best_val_loss, "rank_rng": rank_rng,
                 "best": state.best, "evals_since_best": state.evals_since_best,
                 "judged_step": state.judged_step}  # fmt: skip
        save_checkpoint(directory, model, optimizer, state.step, config, extra, name=name)
    if dist.is_distributed:
        torch_dist.barrier()


def _save_best(directory, model, state, task, cfg, dist) -> None:
    """The best evaluation's weights (no optimizer: they are restored, not resumed from)."""
    if dist.is_main:
        config = {"task": task, "train": cfg, "model": _model_config(model)}
        save_checkpoint(directory, model, None, state.step, config, {"best": state.best},
                        name=BEST)  # fmt: skip
    if dist.is_distributed:
        torch_dist.barrier()


def _gather_rng(dist: DistInfo) -> list:
    """Every rank's RNG states, in rank order (a collective: all ranks must call it)."""
    if not dist.is_distributed:
        return [rng_states()]
    states = [None] * dist.world_size
    torch_dist.all_gather_object(states, rng_states())
    return states


def _model_config(model) -> dict | None:
    config = getattr(model, "config", None)
    if not dataclasses.is_dataclass(config) or isinstance(config, type):
        return None
    return dataclasses.asdict(config)


def _resume(directory, model, optimizer, dist) -> TrainState:
    loaded = load_checkpoint(directory, model=model, optimizer=optimizer, restore_rng=False)
    extra, step = loaded["extra"], loaded["step"]
    restore_rng_states(extra["rank_rng"][dist.rank % len(extra["rank_rng"])])
    kept = {key: extra[key] for key in ("loss_curve", "evals", "best_val_loss")}
    judged = {key: extra.get(key, default) for key, default in
              (("best", None), ("evals_since_best", 0), ("judged_step", None))}  # fmt: skip
    return TrainState(step=step, resumed_from=step, **kept, **judged)


def _wrap_model(model, dist: DistInfo, compile: bool):
    """Compile, then DDP, as nanoGPT does; checkpoints always save the module underneath."""
    if compile:
        model = torch.compile(model)
    if dist.is_distributed:
        device_ids = [dist.local_rank] if dist.device_type == "cuda" else None
        model = torch.nn.parallel.DistributedDataParallel(model, device_ids=device_ids)
    return model


def _device_name(dist: DistInfo) -> str:
    if dist.device_type == "cuda":
        return torch.cuda.get_device_name(torch.device(dist.device))
    return platform.processor() or platform.machine()


def _run_metrics(task, cfg, dist, state, start_step, seconds, raw_model, precision, compile):
    steps_run = state.step - start_step
    samples = steps_run * cfg["batch_size"] * dist.world_size
    return {
        "task": task,
        "steps": state.step,
        "total_steps": cfg["steps"],
        "final_train_loss": state.loss_curve[-1][1] if state.loss_curve else None,
        "loss_curve": state.loss_curve,
        "evals": state.evals,
        "best_val_loss": state.best_val_loss,
        "wall_seconds": seconds,
        "samples_per_second": samples / seconds if seconds > 0 else None,
        "steps_this_run": steps_run,
        "resumed_from_step": state.resumed_from,
        "num_parameters": sum(p.numel() for p in raw_model.parameters()),
        "batch_size": cfg["batch_size"],
        "world_size": dist.world_size,
        "device": dist.device,
        "device_name": _device_name(dist),
        "precision": precision,
        "compiled": compile,
        "torch_version": torch.__version__,
        "seed": cfg["seed"],
        "train_config": cfg,
    }
