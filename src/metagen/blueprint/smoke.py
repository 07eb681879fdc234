"""Smoke scale: the sizes that several archs' smoke dims share, so that any spec trains
on a laptop CPU in about a minute with its topology kept."""

SMOKE_LM_WIDTH = 128
SMOKE_LM_HEADS = 4
SMOKE_LM_VOCAB = 320  # enough for the byte-level tokenizer (259 ids)
SMOKE_SEQ_LEN = 64
SMOKE_IMAGE_SIZE = 32
SMOKE_NUM_FRAMES = 8
SMOKE_RESOLUTION = [SMOKE_IMAGE_SIZE, SMOKE_IMAGE_SIZE]
SMOKE_AUDIO_SEQ_LEN = 64
