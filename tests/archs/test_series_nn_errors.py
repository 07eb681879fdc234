"""The forecasters', the anomaly autoencoder's and the tagger's constructors reject bad dims
with a ValueError that names the values."""

import pytest
from tests.archs.small_dims import SMALL_DIMS

from metagen.archs.build import build_from_dims

BAD = [
    ("patchtst", {"patch_len": 30}, r"patch_len \(30\) must be at most lookback \(20\)"),
    ("tft", {"n_heads": 3}, r"d_model \(16\) must be divisible by n_heads \(3\)"),
    ("tft", {"horizon": 0}, r"horizon must be positive, got 0"),
    ("rnn_forecaster", {"cell": "rnn"}, r"cell must be one of \['gru', 'lstm'\], got 'rnn'"),
    ("dlinear", {"kernel_size": 4}, r"kernel_size must be odd, got 4"),
    ("nbeats", {"channels": 0}, r"channels must be positive, got 0"),
    ("anomaly_autoencoder", {"latent_dim": 0}, r"latent_dim must be positive, got 0"),
    ("sequence_tagger", {"encoder": "gru"}, r"encoder must be one of \['bilstm', 'transformer'\]"),
    (
        "sequence_tagger",
        {"encoder": "bilstm", "d_model": 15},
        r"d_model \(15\) must be divisible by 2 directions \(2\)",
    ),
]


@pytest.mark.parametrize(
    ("arch", "change", "message"), BAD, ids=[f"{a}-{next(iter(c))}" for a, c, _ in BAD]
)
def test_bad_dims_are_value_errors(arch, change, message) -> None:
    dims = {**next(iter(SMALL_DIMS[arch].values())), **change}
    with pytest.raises(ValueError, match=message):
        build_from_dims(arch, dims)
