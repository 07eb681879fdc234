"""`metagen calibrate` and `metagen plan --measure`: this machine's CPU measured, for the
latency estimate of the `cpu` device class, and the planned model timed beside it."""

from __future__ import annotations

from typing import Any

from metagen.cli import UsageError, app, guarded, out


@app.command()
def calibrate() -> None:
    """Measure this machine's CPU (one thread) for the `cpu` device class of latency
    estimates; the numbers are kept in the cache ($METAGEN_CACHE_DIR or ~/.cache/metagen)."""
    device = guarded(_calibrate)
    out.print(
        f"cpu calibrated: peak {device.peak['fp32'] / 1e9:.1f} GFLOP/s fp32, batch-1 layers "
        f"reach {device.compute_efficiency:.0%} of it; {device.bandwidth / 1e9:.1f} GB/s; "
        f"{1e6 * device.kernel_overhead:.2f} us per kernel"
    )


def _calibrate() -> Any:
    from metagen.blueprint.devices import save_calibration
    from metagen.timing.calibrate import calibrate_cpu

    device = calibrate_cpu()
    save_calibration(device)
    return device


def measured_beside_estimate(plan: dict[str, Any], scale: str) -> dict[str, Any]:
    """Time the plan's model (`scale`) on this CPU, calibrating it first if it never was, and
    return the measurement with the estimate for the same forward on the calibrated cpu."""
    from metagen.blueprint.devices import calibrated_cpu

    try:
        from metagen.timing.measure import check_measurable, estimate_forward_ms, measure_forward
    except ModuleNotFoundError as error:
        raise UsageError(
            f"--measure builds the model with torch, which is not installed ({error}); "
            "pip install 'metagen[train]'."
        ) from None

    dims = plan["dims"] if scale == "full" else plan["smoke"]["dims"]
    data = plan["data"] if scale == "full" else plan["smoke"]["data"]
    check_measurable(plan["arch"], dims)  # before calibrating: refused at once
    device = calibrated_cpu() or _calibrate()
    measured = measure_forward(plan["arch"], dims, data)
    estimate = estimate_forward_ms(plan["arch"], dims, data, device)
    return {
        **measured,
        "scale": scale,
        "estimate_ms": estimate,
        "ratio": estimate / measured["median_ms"],
        "device": device.representative,
    }
