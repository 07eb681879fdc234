"""Synthetic text with structure a small language model learns quickly."""

import random

import torch

_TEXT_SUBJECTS = (
    ("the cat", "the cats"),
    ("the dog", "the dogs"),
    ("a bird", "two birds"),
    ("my friend", "my friends"),
    ("the teacher", "the teachers"),
    ("an old man", "old men"),
)
_TEXT_VERBS = (
    ("sees", "see"),
    ("likes", "like"),
    ("chases", "chase"),
    ("finds", "find"),
    ("wants", "want"),
)
_TEXT_OBJECTS = ("the ball", "a red box", "the tall tree", "some water", "a small key", "the moon")
_TEXT_ADVERBS = ("", " today", " again", " at night", " every day")
_TEXT_NAMES = ("alice", "bruno", "chen", "dara", "emil", "fatima", "goran", "hana", "ivo", "jun")
_TEXT_CITIES = ("paris", "oslo", "lima", "kyoto", "cairo", "quito", "riga", "perth")
_TEXT_PETS = ("cat", "dog", "fish", "owl", "frog", "horse")


def _text_sentence(rng: random.Random, facts: dict) -> str:
    plural = rng.random() < 0.5  # subject and verb agree in number
    subject = rng.choice(_TEXT_SUBJECTS)[plural]
    verb = rng.choice(_TEXT_VERBS)[plural]
    text = f"{subject} {verb} {rng.choice(_TEXT_OBJECTS)}{rng.choice(_TEXT_ADVERBS)}."
    return text[0].upper() + text[1:]


def _text_arithmetic(rng: random.Random, facts: dict) -> str:
    a, b = rng.randrange(50), rng.randrange(50)
    if rng.random() < 0.5:
        return f"{a}+{b}={a + b}."
    a, b = max(a, b), min(a, b)
    return f"{a}-{b}={a - b}."


def _text_counting(rng: random.Random, facts: dict) -> str:
    start = rng.randrange(90)
    return "count " + " ".join(str(start + i) for i in range(rng.randrange(4, 9))) + "."


def _text_record(rng: random.Random, facts: dict) -> str:
    # The facts table is fixed per seed, so a record is predictable from its name.
    name = rng.choice(_TEXT_NAMES)
    city, pet, age = facts[name]
    return f"{name}: city={city}; pet={pet}; age={age}."


_TEXT_GENERATORS = (_text_sentence, _text_arithmetic, _text_counting, _text_record)


def make_synthetic_text(num_chars: int, seed: int) -> str:
    """Lines of agreeing sentences, sums, counts and key=value records; same seed, same text."""
    if num_chars <= 0:
        raise ValueError(f"num_chars ({num_chars}) must be positive")
    rng = random.Random(seed)
    facts = {
        name: (rng.choice(_TEXT_CITIES), rng.choice(_TEXT_PETS), rng.randrange(18, 80))
        for name in _TEXT_NAMES
    }
    lines, total = [], 0
    while total < num_chars:
        line = rng.choice(_TEXT_GENERATORS)(rng, facts)
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines)[:num_chars]


def unigram_entropy_nats(token_ids) -> float:
    """Entropy of the token frequency distribution: the loss of the best context-free model."""
    ids = torch.as_tensor(token_ids, dtype=torch.long).flatten()
    if ids.numel() == 0:
        raise ValueError("unigram_entropy_nats needs at least one token")
    counts = torch.bincount(ids).double()
    probs = counts[counts > 0] / ids.numel()
    return float(-(probs * probs.log()).sum())
