"""METEOR 1.5's English synonym and paraphrase data, read from where a user keeps them: the
folder $METAGEN_METEOR_DATA names, holding the jar (whose synonym/ holds WordNet's synsets and
irregular forms) or english.synsets and english.exceptions, and paraphrase-en.gz (or
data/paraphrase-en.gz: pycocoevalcap's meteor/ folder is such a folder). MetaGen ships
neither (WordNet's files are 3.8 MB, the table 62 MB): without them, METEOR runs its exact
and stem modules only, and is named for them.

The paraphrase table holds 5.3 million pairs; only those whose words all occur in the texts
being scored can match, so only those are kept, in the table's order (which the alignment's
ties follow). Reading it takes about 8 s: a process keeps what it read, and reads again only
for texts with words it has not seen."""

import gzip
import os
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

DATA_ENV = "METAGEN_METEOR_DATA"
JAR_NAME = "meteor-1.5.jar"
SYNSETS, EXCEPTIONS = "synonym/english.synsets", "synonym/english.exceptions"
PARAPHRASES = "paraphrase-en.gz"


@dataclass
class MeteorResources:
    """word -> WordNet synset ids; an inflected form -> its base forms; a phrase (a tuple of
    words) -> its paraphrases, in the table's order; and where they were read from. `prefixes`
    holds every phrase's leading words, where a search for a longer phrase can go on."""

    synsets: dict
    bases: dict
    paraphrases: dict
    source: str
    prefixes: set = field(init=False)

    def __post_init__(self) -> None:
        self.prefixes = {p[:n] for p in self.paraphrases for n in range(1, len(p) + 1)}


def _pairs(lines: list[str]) -> list[tuple[str, str]]:
    """A file of two-line records: (first line, second line) each."""
    return list(zip(lines[0::2], lines[1::2], strict=False))


def _read_synonyms(synsets_text: str, exceptions_text: str) -> tuple[dict, dict]:
    synsets = {
        word: {int(n) for n in ids.split()} for word, ids in _pairs(synsets_text.split("\n"))
    }
    bases: dict[str, list[str]] = {}
    for base, forms in _pairs(exceptions_text.split("\n")):
        for form in forms.split():
            bases.setdefault(form, []).append(base)
    return synsets, bases


def _read_paraphrases(path: Path, vocabulary: set) -> dict:
    """The table's pairs (a score line, the phrase, its paraphrase) whose words are all in
    `vocabulary`."""
    kept: dict[tuple, list] = {}
    with gzip.open(path, "rt", encoding="utf-8") as table:
        for _score in table:
            phrase, paraphrase = next(table).split(), next(table).split()
            if all(w in vocabulary for w in phrase) and all(w in vocabulary for w in paraphrase):
                kept.setdefault(tuple(phrase), []).append(tuple(paraphrase))
    return kept


def _locations() -> tuple[Path, Path] | None:
    """(the jar or the folder with the synonym files, the paraphrase table) in the folder
    $DATA_ENV names; None where it names none."""
    named = os.environ.get(DATA_ENV)
    if not named:
        return None
    folder = Path(named)
    jar, table = folder / JAR_NAME, folder / PARAPHRASES
    return (jar if jar.is_file() else folder), (
        table if table.is_file() else folder / "data" / PARAPHRASES
    )


def load_meteor_resources(vocabulary: set) -> MeteorResources | None:
    """The synonym and paraphrase data for texts of `vocabulary`'s words, or None where none
    is named. Named and unreadable is a ValueError that says what to fix."""
    found = _locations()
    if found is None:
        return None
    synonyms, table = found
    try:
        if synonyms.suffix == ".jar":
            with zipfile.ZipFile(synonyms) as jar:
                texts = [jar.read(name).decode("utf-8") for name in (SYNSETS, EXCEPTIONS)]
        else:
            texts = [
                (synonyms / Path(name).name).read_text("utf-8") for name in (SYNSETS, EXCEPTIONS)
            ]
        synsets, bases = _read_synonyms(*texts)
        paraphrases = _read_paraphrases(table, vocabulary)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError, StopIteration) as error:
        raise ValueError(
            f"${DATA_ENV} is {os.environ[DATA_ENV]}, but METEOR's data cannot be read there "
            f"({type(error).__name__}: {error}). Name the folder that holds meteor-1.5.jar (or "
            "english.synsets and english.exceptions) and paraphrase-en.gz (pycocoevalcap's "
            f"meteor/ folder), or unset {DATA_ENV} to score exact and stem matches only."
        ) from None
    return MeteorResources(synsets, bases, paraphrases, f"{synonyms} and {table}")


_loaded: dict = {}  # this process's: the folder named, the vocabulary read for, what was read


def cached_meteor_resources(vocabulary: set) -> MeteorResources | None:
    """load_meteor_resources, read again only when `vocabulary` has words the last read did
    not cover (then for the union: texts of the words already seen stay covered). A folder
    that cannot be read is said once, and the process goes on without it."""
    named = os.environ.get(DATA_ENV)
    if named != _loaded.get("named"):
        _loaded.clear()
        _loaded["named"] = named
    fresh = "resources" not in _loaded
    if fresh or not (_loaded["failed"] or vocabulary <= _loaded["vocabulary"]):
        _loaded["vocabulary"] = _loaded.get("vocabulary", set()) | vocabulary
        resources, failed = None, True
        try:
            resources, failed = load_meteor_resources(_loaded["vocabulary"]), False
        except ValueError as error:  # the run goes on with exact and stem METEOR
            print(f"warning: {error}", file=sys.stderr)
        _loaded.update(resources=resources, failed=failed)
    return _loaded["resources"]


# WordNet's detachment rules as the jar applies them to a word it has no irregular form for:
# (suffix, replacement), tried in order; the first result that WordNet holds is the base.
DETACHMENTS = (
    ("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
    ("men", "man"), ("ies", "y"), ("s", ""), ("ies", "y"), ("es", "e"), ("es", ""),
    ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""), ("er", ""), ("est", ""), ("er", "e"),
    ("est", "e"),
)  # fmt: skip


def _base_form(word: str, synsets: dict) -> str:
    """The jar's base form of a regular word: the word itself when it ends in "ss" or has
    two letters at most; else the first detachment that WordNet holds ("" for none). A word
    ending in "ful" has none (no detachment ends so): the jar matches "cupsful" to "cupful"
    by neither synonym nor stem."""
    if word.endswith("ss") or len(word) <= 2:
        return word
    for suffix, replacement in DETACHMENTS:
        if word.endswith(suffix):
            base = word[: len(word) - len(suffix)] + replacement
            if base in synsets:
                return base
    return ""


def word_synsets(resources: MeteorResources, word: str) -> set:
    """The synsets the jar's synonym module gives a word: its own, and its base forms' (its
    irregular forms' bases, else its regular base form)."""
    found = set(resources.synsets.get(word, ()))
    bases = resources.bases.get(word)
    if bases is not None:
        for base in bases:
            found |= resources.synsets.get(base, set())
    else:
        found |= resources.synsets.get(_base_form(word, resources.synsets), set())
    return found
