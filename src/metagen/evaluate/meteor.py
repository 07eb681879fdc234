"""METEOR 1.5 with its exact and stem matching modules: the jar that the COCO caption
evaluation runs (pycocoevalcap's, English, -norm) given `-m "exact stem"`, which the tests
check within 1e-6. pycocoevalcap runs two more modules, WordNet synonyms and a paraphrase
table, which are not reimplemented here: this equals pycocoevalcap's METEOR where neither finds
a candidate, and differs where one does. The difference goes either way: a synonym the jar
matches ("big" for "large") raises its score, and a synonym candidate beside a stem match
("circles" for "circle") can lower it, since the jar's alignment search counts the weights of
stem and synonym matches as integers (zero) and then prefers fewer chunks to the match.
Texts are lowercased whitespace-separated words (the jar's -norm also splits punctuation off
words). Everything else is the jar's: its English parameters and function words, its beam
search (ties broken as it breaks them), and its corpus score from summed statistics."""

from dataclasses import dataclass, field
from typing import Self

from metagen.evaluate.english_stemmer import snowball_english_stem

# The jar's English parameters (its default "rank" task): alpha weighs recall against
# precision, beta and gamma shape the fragmentation penalty, delta weighs content words
# against function words.
METEOR_ALPHA, METEOR_BETA, METEOR_GAMMA, METEOR_DELTA = 0.85, 0.20, 0.60, 0.75
# Per matching module (exact, stem): the weight of a match in the score, and in the
# alignment search, where the jar adds it to an integer count (so a stem match adds nothing).
METEOR_SCORE_WEIGHTS = (1.0, 0.6)
METEOR_SEARCH_WEIGHTS = (1.0, 0.5)
METEOR_BEAM_SIZE = 40
# The jar's English function words (function/english.words), punctuation and quotes
# included, separated by spaces.
METEOR_FUNCTION_WORDS = (
    "the , . to of and a in that for \" is on 's it with was as said at he by be from have has "
    "are his but an this not i will \u2019 they ) -rrb- ( -lrb- who their had we which were "
    "been more or s its would about new one after you : also up when there than $ all out her "
    "people she year two - can if last first \u201c over other \u201d into some what so -- no "
    "time years could ? 't \u2014 '"
)


@dataclass
class MeteorCounts:
    """The jar's sufficient statistics of one text against one reference, or summed over a
    corpus: lengths, function words, matches per module (content and function words, on the
    written text's side and the reference's), and chunks of contiguous matches."""

    test_length: int = 0
    reference_length: int = 0
    test_function_words: int = 0
    reference_function_words: int = 0
    # [module][0: test content, 1: reference content, 2: test function, 3: reference function]
    module_matches: list = field(default_factory=lambda: [[0] * 4 for _ in METEOR_SCORE_WEIGHTS])
    chunks: int = 0

    def matched(self, side: int) -> int:
        """Matched words on one side (0: the written text, 1: the reference)."""
        return sum(m[side] + m[side + 2] for m in self.module_matches)

    def is_exact_copy(self) -> bool:
        return (
            self.matched(0) == self.test_length
            and self.matched(1) == self.reference_length
            and self.chunks == 1
        )

    def add(self, other: Self) -> None:
        """Sums another text's counts in; as the jar does, a text that is an exact copy of its
        reference adds no chunk."""
        self.test_length += other.test_length
        self.reference_length += other.reference_length
        self.test_function_words += other.test_function_words
        self.reference_function_words += other.reference_function_words
        for mine, theirs in zip(self.module_matches, other.module_matches, strict=True):
            mine[:] = [a + b for a, b in zip(mine, theirs, strict=True)]
        if not other.is_exact_copy():
            self.chunks += other.chunks


def meteor_from_counts(counts: MeteorCounts) -> float:
    """The METEOR score of (summed) counts: the alpha-weighted harmonic mean of weighted
    precision and recall, times one minus the fragmentation penalty."""
    if counts.matched(0) == 0:
        return 0.0  # the jar's division by zero, caught as 0
    delta = METEOR_DELTA
    test_weighted_length = (
        delta * (counts.test_length - counts.test_function_words)
        + (1 - delta) * counts.test_function_words
    )
    reference_weighted_length = (
        delta * (counts.reference_length - counts.reference_function_words)
        + (1 - delta) * counts.reference_function_words
    )
    test_matches, reference_matches = 0.0, 0.0
    for matches, weight in zip(counts.module_matches, METEOR_SCORE_WEIGHTS, strict=True):
        test_matches += matches[0] * weight * delta
        reference_matches += matches[1] * weight * delta
    for matches, weight in zip(counts.module_matches, METEOR_SCORE_WEIGHTS, strict=True):
        test_matches += matches[2] * weight * (1 - delta)
        reference_matches += matches[3] * weight * (1 - delta)
    precision = test_matches / test_weighted_length
    recall = reference_matches / reference_weighted_length
    f_mean = 1.0 / ((1 - METEOR_ALPHA) / precision + METEOR_ALPHA / recall)
    if counts.is_exact_copy():
        fragmentation = 0.0
    else:
        fragmentation = counts.chunks / ((counts.matched(0) + counts.matched(1)) / 2)
    return max(f_mean * (1 - METEOR_GAMMA * fragmentation**METEOR_BETA), 0.0)


class MeteorPath:
    """A partial alignment in the jar's beam search: per reference word, its match (module,
    test word index) or None."""

    def __init__(self, matches: list, used_test: list, used_reference: list):
        self.matches, self.used_test, self.used_reference = matches, used_test, used_reference
        self.weighted = 0  # the jar's integer sum of match weights (one side; both are equal)
        self.chunks, self.index, self.last_end, self.distance = 0, 0, -1, 0

    def copy(self) -> Self:
        path = type(self)(list(self.matches), list(self.used_test), list(self.used_reference))
        path.weighted, path.chunks = self.weighted, self.chunks
        path.index, path.last_end, path.distance = self.index, self.last_end, self.distance
        return path

    def take(self, reference_index: int, module: int, test_index: int) -> None:
        """Counts a match at the search's position: its weight, and a new chunk unless it
        continues the previous match in the written text."""
        self.weighted = int(self.weighted + METEOR_SEARCH_WEIGHTS[module])
        if self.last_end != -1 and test_index != self.last_end:
            self.chunks += 1
        self.index, self.last_end = reference_index + 1, test_index + 1

    def rank(self) -> tuple:
        return (-self.weighted, self.chunks, self.distance)


def _meteor_candidates(test: list, reference: list) -> tuple[list, list, list]:
    """Every possible match per reference word, exact then stem (different words with one
    stem), and how many candidates cover each word of either text."""
    candidates: list[list] = [[] for _ in reference]
    test_cover, reference_cover = [0] * len(test), [0] * len(reference)
    # the jar uses only exact matching for identical texts
    modules = (0,) if test == reference else (0, 1)
    test_stems = [snowball_english_stem(w) for w in test]
    reference_stems = [snowball_english_stem(w) for w in reference]
    for module in modules:
        for j, word in enumerate(reference):
            for i, other in enumerate(test):
                same_stem = test_stems[i] == reference_stems[j]
                if (other == word) if module == 0 else (other != word and same_stem):
                    candidates[j].append((module, i))
                    test_cover[i] += 1
                    reference_cover[j] += 1
    return candidates, test_cover, reference_cover


def _meteor_search(test: list, reference: list) -> list:
    """The jar's beam search over the candidates, left to right over the reference: more
    weighted matches first, then fewer chunks, then less distance, ties kept in order."""
    candidates, test_cover, reference_cover = _meteor_candidates(test, reference)
    start = MeteorPath([None] * len(reference), [False] * len(test), [False] * len(reference))
    for j, options in enumerate(candidates):  # a match that nothing competes with is fixed
        if len(options) == 1 and reference_cover[j] == 1 and test_cover[options[0][1]] == 1:
            start.matches[j] = options[0]
            start.used_reference[j] = start.used_test[options[0][1]] = True
    upcoming = [start]
    for current in range(len(reference) + 1):
        paths, upcoming = sorted(upcoming, key=MeteorPath.rank)[:METEOR_BEAM_SIZE], []
        for path in paths:
            if current == len(reference):
                path.chunks += path.last_end != -1
                upcoming.append(path)
            elif path.used_reference[current]:
                if current < path.index:
                    upcoming.append(path)
                elif path.matches[path.index] is not None:
                    module, i = path.matches[path.index]
                    path.distance += abs(path.index - i)
                    path.take(path.index, module, i)
                    upcoming.append(path)
            else:
                for module, i in candidates[current]:
                    if path.used_test[i]:
                        continue
                    branch = path.copy()
                    branch.used_test[i] = branch.used_reference[current] = True
                    branch.matches[current] = (module, i)
                    branch.take(current, module, i)
                    path.distance += abs(current - i)  # the jar adds it to the path branched from
                    upcoming.append(branch)
                if path.last_end != -1:  # or skip this reference word
                    path.chunks, path.last_end = path.chunks + 1, -1
                path.index += 1
                upcoming.append(path)
        upcoming = upcoming or paths[:1]
    return sorted(upcoming, key=MeteorPath.rank)[0].matches


def meteor_counts(test_text: str, reference_text: str) -> MeteorCounts:
    """The jar's statistics of one written text against one reference."""
    test, reference = test_text.lower().split(), reference_text.lower().split()
    function_words = set(METEOR_FUNCTION_WORDS.split())
    test_function = [w in function_words for w in test]
    reference_function = [w in function_words for w in reference]
    counts = MeteorCounts(len(test), len(reference), sum(test_function), sum(reference_function))
    last_end = -1
    for j, match in enumerate(_meteor_search(test, reference)):
        if match is None:
            counts.chunks += last_end != -1
            last_end = -1
            continue
        module, i = match
        counts.module_matches[module][2 if test_function[i] else 0] += 1
        counts.module_matches[module][3 if reference_function[j] else 1] += 1
        counts.chunks += last_end not in (-1, i)
        last_end = i + 1
    counts.chunks += last_end != -1
    return counts


def meteor_exact_stem(candidates: list, references: list) -> float:
    """Corpus METEOR (exact and stem matching) of candidates[i] against references[i] (a
    list of texts each), as pycocoevalcap reports it: each text scored against its best
    reference, their statistics summed, and the score of the sums."""
    if not candidates:
        raise ValueError("METEOR needs one written text at least")
    total = MeteorCounts()
    for candidate, refs in zip(candidates, references, strict=True):
        best, best_score = MeteorCounts(), -1.0
        for reference in refs:
            counts = meteor_counts(candidate, reference)
            score = meteor_from_counts(counts)
            if score > best_score:
                best, best_score = counts, score
        total.add(best)
    return meteor_from_counts(total)
