"""The fasttext architecture's registry row; model.py says what it is."""

from metagen.archs.registry import Arch

ARCH = Arch(
    name="fasttext",
    model="FastText",
    config="FastTextConfig",
    # 64 features and a score per row for 32,768 words and 131,072 hashed bigrams (shapes.py):
    # about 10.65M, nearly all embedding rows, of which a step reads only the batch's words
    default_budget=10_700_000,
    has_variants=False,
)
