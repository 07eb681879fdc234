"""The image_to_code runtime task's registry row: a vision-language model that writes the
code a picture was rendered from (HTML from a mockup, Python from a flowchart, a matplotlib
script from a chart, a description from a code screenshot), scored by whether that code
works (evaluate/code_checks.py)."""

from metagen.tasks.registry import RuntimeTask

TASK = RuntimeTask(
    name="image_to_code",
    datasets={"image_code": "metagen.tasks.image_to_code.data:image_code_datasets"},
    # next-token cross-entropy on the code; padding targets are cross-entropy's ignore index
    loss="metagen.train.losses:language_modeling_loss",
    evaluator="metagen.tasks.image_to_code.evaluate:evaluate_image_to_code",
    headline=("attribute_accuracy", "baseline_attribute_accuracy", True),
    # the built-in data is written by `metagen data image-to-code`'s generator, which needs
    # the library (Pillow, matplotlib, the sandbox): `metagen train` writes it for the run
    writes_synthetic="metagen.datagen.image_to_code.pairs:write_synthetic_pairs",
    predictions="metagen.tasks.image_to_code.predictions:collect_code",
)
