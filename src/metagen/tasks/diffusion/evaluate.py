"""Held-out denoising error, beside the error of always predicting zero noise and, for a
caption-conditioned model, the error with each sample's caption swapped for another's."""

from metagen.data.batch import model_inputs, move_batch


def evaluate_denoiser(model, batches, device) -> dict:
    """Mean squared error of the predicted noise on fixed held-out noised samples (`loss`), and
    of predicting zero noise on the same samples (`zero_noise_mse`, about 1 for unit Gaussian
    noise): a model that learned nothing cannot beat it. With captions, `loss_shuffled_captions`
    is the loss when each sample gets the next sample's caption: above `loss` only if the
    model uses the text."""
    squared_error, squared_target, shuffled_error, elements, samples = 0.0, 0.0, 0.0, 0, 0
    captioned = False
    for batch in batches:
        batch = move_batch(batch, device)
        inputs = model_inputs(batch)
        predicted = model(**inputs).float()  # shaped like the noise
        noise = batch["targets"].float()
        squared_error += float((predicted - noise).square().sum())
        squared_target += float(noise.square().sum())
        if "caption_ids" in inputs:
            captioned = True
            inputs["caption_ids"] = inputs["caption_ids"].roll(1, dims=0)
            shuffled_error += float((model(**inputs).float() - noise).square().sum())
        elements += noise.numel()
        samples += noise.size(0)
    if samples == 0:
        raise ValueError("cannot evaluate on an empty dataset")
    loss, baseline = squared_error / elements, squared_target / elements
    results = {"loss": loss, "zero_noise_mse": baseline, "loss_vs_zero_noise": loss / baseline}
    if captioned:
        results["loss_shuffled_captions"] = shuffled_error / elements
    results["num_samples"] = samples
    return results
