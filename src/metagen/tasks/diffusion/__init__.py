"""The diffusion runtime task's registry row."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="diffusion",
    datasets={
        "image": "metagen.data.diffusion_data:image_diffusion_datasets",
        "video": "metagen.data.video_diffusion_data:build_video_diffusion",
    },
    loss="metagen.train.diffusion_loss:denoising_loss",
    evaluator="metagen.evaluate.diffusion_eval:evaluate_denoiser",
    headline=("loss", "zero_noise_mse", False),
)
