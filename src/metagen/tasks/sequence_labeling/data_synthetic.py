"""Sentences with entity spans: people, cities, organisations and numbers from word lists,
placed in templates whose other words are context. A word's tag follows from the word and
its neighbours, so a tagger can learn it; some names are both a person and a city (Jordan,
Paris, Austin, Florence), so context decides those."""

import numpy as np

NER_FIRST_NAMES = (
    "Alice",
    "Bruno",
    "Chen",
    "Dana",
    "Elif",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jordan",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Paris",
    "Austin",
    "Florence",
    "Sven",
)
NER_LAST_NAMES = (
    "Smith",
    "Okafor",
    "Garcia",
    "Novak",
    "Tanaka",
    "Silva",
    "Khan",
    "Muller",
    "Rossi",
    "Dubois",
    "Ivanova",
    "Larsen",
)
NER_CITIES = (
    ("Paris",),
    ("Lagos",),
    ("Lima",),
    ("Oslo",),
    ("Jordan",),
    ("Austin",),
    ("Florence",),
    ("New", "York"),
    ("San", "Francisco"),
    ("Kuala", "Lumpur"),
    ("Cape", "Town"),
    ("Seoul",),
    ("Quito",),
    ("Hanoi",),
)
NER_ORGS = (
    ("Acme", "Corp"),
    ("Globex",),
    ("Initech",),
    ("United", "Nations"),
    ("Red", "Cross"),
    ("Umbrella", "Labs"),
    ("Stark", "Industries"),
    ("Wayne", "Foundation"),
    ("Hooli",),
)
NER_TYPES = ("PER", "LOC", "ORG", "NUM")

# {PER}, {LOC}, {ORG}, {NUM} are entity slots; other words are tagged O.
NER_TEMPLATES = (
    "{PER} flew from {LOC} to {LOC} with {NUM} colleagues .",
    "{ORG} hired {PER} to lead its office in {LOC} .",
    "In {LOC} , {NUM} people met {PER} of {ORG} .",
    "{PER} works for {ORG} and lives in {LOC} .",
    "The {ORG} office in {LOC} has {NUM} staff .",
    "Yesterday {PER} told {PER} that {ORG} will open in {LOC} .",
    "{NUM} visitors came to {LOC} to see {PER} .",
    "According to {ORG} , {PER} paid {NUM} dollars in {LOC} .",
    "We drove to {LOC} and back , {NUM} miles in all .",
    "She said the weather in {LOC} was fine .",
)


def _entity_words(kind: str, rng: np.random.Generator) -> list[str]:
    if kind == "PER":
        first = NER_FIRST_NAMES[rng.integers(len(NER_FIRST_NAMES))]
        if rng.random() < 0.5:
            return [first]
        return [first, NER_LAST_NAMES[rng.integers(len(NER_LAST_NAMES))]]
    if kind == "LOC":
        return list(NER_CITIES[rng.integers(len(NER_CITIES))])
    if kind == "ORG":
        return list(NER_ORGS[rng.integers(len(NER_ORGS))])
    number = int(rng.integers(2, 5000))
    return [f"{number:,}"] if number >= 1000 and rng.random() < 0.5 else [str(number)]


def synthetic_tagged_sentence(rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """(words, BIO tags) of one templated sentence."""
    words, tags = [], []
    for piece in NER_TEMPLATES[rng.integers(len(NER_TEMPLATES))].split():
        if piece.startswith("{") and piece.endswith("}"):
            kind = piece[1:-1]
            entity = _entity_words(kind, rng)
            words += entity
            tags += [f"B-{kind}"] + [f"I-{kind}"] * (len(entity) - 1)
        else:
            words.append(piece)
            tags.append("O")
    return words, tags
