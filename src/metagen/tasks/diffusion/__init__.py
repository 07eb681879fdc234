"""The diffusion runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="diffusion",
    datasets={
        "image": "metagen.tasks.diffusion.data:image_diffusion_datasets",
        "video": "metagen.tasks.diffusion.data_video:build_video_diffusion",
    },
    loss="metagen.tasks.diffusion.loss:denoising_loss",
    evaluator="metagen.tasks.diffusion.evaluate:evaluate_denoiser",
    headline=("loss", "zero_noise_mse", False),
    predictions="metagen.tasks.diffusion.predictions:collect_samples",
)
