"""Synthetic sentences whose class, score, match or relevance depends on their words.

Every sentence mixes neutral filler words with words from class lexicons, so a model must
read the words to do better than chance: the class is the lexicon the sentence draws from,
the score counts positive minus negative words, a pair describes the same (name, city, pet)
fact twice, and a ranked document is as relevant as it has words of the query's topic.
"""

import random

TEXT_LEXICONS = (
    (
        "positive",
        (
            "great",
            "wonderful",
            "lovely",
            "excellent",
            "superb",
            "delightful",
            "brilliant",
            "pleasant",
        ),
    ),
    (
        "negative",
        ("awful", "terrible", "horrible", "dreadful", "poor", "nasty", "boring", "miserable"),
    ),
    ("sports", ("goal", "match", "team", "coach", "league", "stadium", "player", "referee")),
    ("food", ("bread", "soup", "cheese", "pasta", "salad", "dessert", "spice", "recipe")),
    ("weather", ("rain", "storm", "cloud", "sunny", "wind", "snow", "thunder", "fog")),
    ("music", ("guitar", "melody", "song", "drum", "piano", "concert", "rhythm", "choir")),
    ("travel", ("train", "airport", "ticket", "hotel", "journey", "passport", "luggage", "map")),
    ("science", ("atom", "cell", "theory", "experiment", "molecule", "galaxy", "lab", "data")),
)
TEXT_FILLER = (
    "the",
    "a",
    "it",
    "was",
    "really",
    "quite",
    "today",
    "we",
    "saw",
    "about",
    "and",
    "then",
    "very",
    "this",
    "that",
    "some",
    "of",
    "with",
    "there",
    "again",
)
TEXT_FACT_NAMES = (
    "alice",
    "bruno",
    "chen",
    "dara",
    "emil",
    "fatima",
    "goran",
    "hana",
    "ivo",
    "jun",
)
TEXT_FACT_CITIES = ("paris", "oslo", "lima", "kyoto", "cairo", "quito", "riga", "perth")
TEXT_FACT_PETS = ("cat", "dog", "fish", "owl", "frog", "horse")
TEXT_FACT_TEMPLATES = (
    "{name} lives in {city} with a {pet}",
    "the {pet} of {name} sleeps in {city}",
    "in {city}, {name} walks the {pet}",
    "{name} and the {pet} moved to {city}",
    "a {pet} waits for {name} at home in {city}",
)
TEXT_RANKING_TOPICS = 4  # the query is one of the first lexicons after the sentiment pair


def _text_words_sentence(rng: random.Random, words: list[str], fillers: int) -> str:
    tokens = [rng.choice(TEXT_FILLER) for _ in range(fillers)] + words
    rng.shuffle(tokens)
    return " ".join(tokens)


def text_class_sample(rng: random.Random, num_classes: int) -> tuple[str, int]:
    """A sentence with one to three words of one class's lexicon, and that class."""
    label = rng.randrange(num_classes)
    lexicon = TEXT_LEXICONS[label][1]
    words = [rng.choice(lexicon) for _ in range(rng.randint(1, 3))]
    return _text_words_sentence(rng, words, rng.randint(2, 6)), label


def text_score_sample(rng: random.Random) -> tuple[str, float]:
    """A sentence with 0-3 positive and 0-3 negative words; the score is their difference."""
    pos, neg = rng.randint(0, 3), rng.randint(0, 3)
    words = [rng.choice(TEXT_LEXICONS[0][1]) for _ in range(pos)]
    words += [rng.choice(TEXT_LEXICONS[1][1]) for _ in range(neg)]
    return _text_words_sentence(rng, words, rng.randint(2, 6)), float(pos - neg)


def text_fact_pair(rng: random.Random) -> tuple[str, str, int]:
    """Two different sentences about one (name, city, pet) fact, and the fact's id."""
    name, city = rng.randrange(len(TEXT_FACT_NAMES)), rng.randrange(len(TEXT_FACT_CITIES))
    pet = rng.randrange(len(TEXT_FACT_PETS))
    fact = {
        "name": TEXT_FACT_NAMES[name],
        "city": TEXT_FACT_CITIES[city],
        "pet": TEXT_FACT_PETS[pet],
    }
    first, second = rng.sample(TEXT_FACT_TEMPLATES, 2)
    group = (name * len(TEXT_FACT_CITIES) + city) * len(TEXT_FACT_PETS) + pet
    return first.format(**fact), second.format(**fact), group


def text_ranking_list(rng: random.Random, size: int) -> tuple[str, list[str], list[float]]:
    """A topic query and `size` documents; a document's grade is how many of its words (0-3)
    come from the query's topic, the rest from the other topics."""
    topics = TEXT_LEXICONS[2 : 2 + TEXT_RANKING_TOPICS]
    query = rng.randrange(len(topics))
    documents, grades = [], []
    for _ in range(size):
        grade = rng.choice((0, 0, 0, 1, 1, 2, 3))
        others = [t for i, t in enumerate(topics) if i != query]
        words = [rng.choice(topics[query][1]) for _ in range(grade)]
        words += [rng.choice(rng.choice(others)[1]) for _ in range(3 - grade)]
        documents.append(_text_words_sentence(rng, words, rng.randint(1, 3)))
        grades.append(float(grade))
    return topics[query][0], documents, grades


def text_class_names(num_classes: int) -> list[str]:
    """The lexicons' names of the first `num_classes` classes (at most len(TEXT_LEXICONS))."""
    return [name for name, _ in TEXT_LEXICONS[:num_classes]]


def _text_draw(task: str, cfg: dict):
    """rng -> one sample of `task`, in the format read from a user's JSONL."""
    if task == "classification":
        classes = min(int(cfg["num_classes"]), len(TEXT_LEXICONS))
        return lambda rng: text_class_sample(rng, classes)
    if task == "regression":
        return text_score_sample
    if task == "embedding":
        return text_fact_pair
    return lambda rng: text_ranking_list(rng, int(cfg["list_size"]))


def text_synthetic(task: str, cfg: dict, seed: int) -> tuple[list, list]:
    """(train, held-out) samples of `task`, each split drawn from its own seed."""
    draw, splits = _text_draw(task, cfg), []
    for n, split in ((int(cfg["num_train"]), 0), (int(cfg["num_val"]), 1)):
        rng = random.Random(2 * seed + split)
        splits.append([draw(rng) for _ in range(n)])
    return splits[0], splits[1]
