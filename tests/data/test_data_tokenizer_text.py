import torch

from metagen.data.synthetic_text import make_synthetic_text, unigram_entropy_nats
from metagen.data.text_data import TokenWindows, split_tokens
from metagen.data.tokenizer import ByteTokenizer

torch.set_num_threads(1)


def test_byte_tokenizer_round_trips_ascii_and_non_ascii():
    tok = ByteTokenizer()
    text = "Hello, wörld! 数据 🚀 ñ\n\ttab"
    ids = tok.encode(text)
    assert all(0 <= i < 256 for i in ids)
    assert len(ids) == len(text.encode("utf-8"))
    assert tok.decode(ids) == text


def test_byte_tokenizer_specials_are_skipped_on_decode():
    tok = ByteTokenizer()
    ids = tok.encode("abc", add_bos=True, add_eos=True)
    assert ids[0] == tok.bos_id == 256 and ids[-1] == tok.eos_id == 257
    assert tok.pad_id == 258 and tok.vocab_size == 259
    # Specials and ids beyond the byte range (a larger model vocab) are dropped.
    assert tok.decode(ids + [tok.pad_id, 300, 1000]) == "abc"
    assert tok.decode(torch.tensor(ids)) == "abc"


def test_byte_tokenizer_decodes_broken_utf8_with_replacement():
    tok = ByteTokenizer()
    ids = tok.encode("é")[:1]  # half of a two-byte character
    assert tok.decode(ids) == "\ufffd"


def test_synthetic_text_is_deterministic_and_sized():
    a = make_synthetic_text(5000, seed=3)
    assert a == make_synthetic_text(5000, seed=3)
    assert a != make_synthetic_text(5000, seed=4)
    assert len(a) == 5000
    assert "=" in a and "count " in a and "city=" in a


def test_synthetic_text_has_high_unigram_entropy():
    ids = ByteTokenizer().encode(make_synthetic_text(50_000, seed=0))
    entropy = unigram_entropy_nats(ids)
    assert 2.8 < entropy < 4.0  # many distinct bytes: a context-free model does badly


def test_unigram_entropy_matches_hand_computation():
    import math

    assert unigram_entropy_nats([1, 1, 1, 1]) == 0.0
    assert math.isclose(unigram_entropy_nats([0, 1, 2, 3]), math.log(4))
    assert math.isclose(unigram_entropy_nats(torch.tensor([5, 5, 7, 7])), math.log(2))


def test_token_windows_shift_targets_by_one():
    ds = TokenWindows(torch.arange(23), seq_len=5)
    assert len(ds) == 4  # windows start at 0, 5, 10, 15 and need 6 tokens each
    item = ds[1]
    assert item["input_ids"].tolist() == [5, 6, 7, 8, 9]
    assert item["targets"].tolist() == [6, 7, 8, 9, 10]
    strided = TokenWindows(torch.arange(23), seq_len=5, stride=2)
    assert len(strided) == 9 and strided[8]["targets"].tolist() == [17, 18, 19, 20, 21]


def test_split_tokens_holds_out_the_tail():
    train, val = split_tokens(list(range(100)), 0.1)
    assert train.tolist() == list(range(90)) and val.tolist() == list(range(90, 100))
