"""METEOR 1.5, the jar that the COCO caption evaluation runs (pycocoevalcap's, English,
-norm), which the tests check within 1e-6: its exact and stem matching always, and its WordNet
synonym and paraphrase-table modules where their data is given (meteor_resources.py; MetaGen
does not ship it). Without them the score is the jar's given `-m "exact stem"`, named
meteor_exact_stem. The difference goes either way: a synonym the jar matches ("big" for
"large") raises its score, and a synonym candidate beside a stem match ("circles" for
"circle") can lower it, since the jar's alignment search counts the weights of one-word stem
and synonym matches as integers (zero) and then prefers fewer chunks to the match.
Texts are lowercased whitespace-separated words (the jar's -norm also splits punctuation off
words). Everything else is the jar's: its English parameters and function words, its beam
search over one-word and phrase matches (ties broken as it breaks them), and its corpus score
from summed statistics."""

from dataclasses import dataclass, field
from typing import Self

from metagen.evaluate.english_stemmer import snowball_english_stem
from metagen.evaluate.meteor_resources import word_synsets

# The jar's English parameters (its default "rank" task): alpha weighs recall against
# precision, beta and gamma shape the fragmentation penalty, delta weighs content words
# against function words.
METEOR_ALPHA, METEOR_BETA, METEOR_GAMMA, METEOR_DELTA = 0.85, 0.20, 0.60, 0.75
# Per matching module (exact, stem, synonym, paraphrase): the weight of a matched word in the
# score, and in the alignment search, where the jar adds a match's words times it to an
# integer count (so a one-word stem or synonym match adds nothing).
METEOR_SCORE_WEIGHTS = (1.0, 0.6, 0.8, 0.6)
METEOR_SEARCH_WEIGHTS = (1.0, 0.5, 0.5, 0.5)
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


# A match: (module, reference start, reference length, written start, written length). The
# paraphrase module matches phrases; the others one word to one word.
EXACT, STEM, SYNONYM, PARAPHRASE = 0, 1, 2, 3


class MeteorPath:
    """A partial alignment in the jar's beam search: per reference word, the match that
    starts there or None, and the words of either text that matches use."""

    def __init__(self, matches: list, used_test: list, used_reference: list):
        self.matches, self.used_test, self.used_reference = matches, used_test, used_reference
        # the jar's integer sums of match weights on each side
        self.test_weighted, self.reference_weighted = 0, 0
        self.chunks, self.index, self.last_end, self.distance = 0, 0, -1, 0

    def copy(self) -> Self:
        path = type(self)(list(self.matches), list(self.used_test), list(self.used_reference))
        path.test_weighted, path.reference_weighted = self.test_weighted, self.reference_weighted
        path.chunks, path.index = self.chunks, self.index
        path.last_end, path.distance = self.last_end, self.distance
        return path

    def uses(self, match: tuple) -> bool:
        _, j, length, i, test_length = match
        return any(self.used_reference[j : j + length]) or any(self.used_test[i : i + test_length])

    def use(self, match: tuple) -> None:
        _, j, length, i, test_length = match
        self.used_reference[j : j + length] = [True] * length
        self.used_test[i : i + test_length] = [True] * test_length

    def take(self, match: tuple) -> None:
        """Counts a match at the search's position: its weight on each side, and a new chunk
        unless it continues the previous match in the written text."""
        module, j, length, i, test_length = match
        weight = METEOR_SEARCH_WEIGHTS[module]
        self.test_weighted = int(self.test_weighted + test_length * weight)
        self.reference_weighted = int(self.reference_weighted + length * weight)
        if self.last_end != -1 and i != self.last_end:
            self.chunks += 1
        self.index, self.last_end = j + length, i + test_length

    def rank(self) -> tuple:
        return (-(self.test_weighted + self.reference_weighted), self.chunks, self.distance)


def _word_candidates(test: list, reference: list, resources) -> list[list]:
    """Per module, the one-word matches the jar's exact, stem and (with resources) synonym
    modules find, reference word by reference word: the same word; different words with one
    stem; different words that share a WordNet synset."""
    found: list[list] = [[], [], []]
    test_stems = [snowball_english_stem(w) for w in test]
    reference_stems = [snowball_english_stem(w) for w in reference]
    test_sets = [word_synsets(resources, w) if resources else set() for w in test]
    reference_sets = [word_synsets(resources, w) if resources else set() for w in reference]
    for j, word in enumerate(reference):
        for i, other in enumerate(test):
            if other == word:
                found[EXACT].append((EXACT, j, 1, i, 1))
                continue
            if test_stems[i] == reference_stems[j]:
                found[STEM].append((STEM, j, 1, i, 1))
            if not test_sets[i].isdisjoint(reference_sets[j]):  # a stem match may be one too
                found[SYNONYM].append((SYNONYM, j, 1, i, 1))
    return found


def _phrases_at(words: list, start: int, resources) -> list[tuple]:
    """(length, paraphrase) for each table phrase that `words` holds from `start`, shortest
    first, each length's in the table's order."""
    found = []
    for end in range(start + 1, len(words) + 1):
        phrase = tuple(words[start:end])
        if phrase not in resources.prefixes:
            break
        found += [(end - start, other) for other in resources.paraphrases.get(phrase, ())]
    return found


def _paraphrase_candidates(test: list, reference: list, resources) -> list:
    """The jar's paraphrase matches: from each reference word, a table phrase there whose
    paraphrase the written text holds somewhere; then the same from each written word."""
    found = []
    for j in range(len(reference)):
        for length, other in _phrases_at(reference, j, resources):
            for i in range(len(test)):
                if tuple(test[i : i + len(other)]) == other:
                    found.append((PARAPHRASE, j, length, i, len(other)))
    for i in range(len(test)):
        for test_length, other in _phrases_at(test, i, resources):
            for j in range(len(reference)):
                if tuple(reference[j : j + len(other)]) == other:
                    found.append((PARAPHRASE, j, len(other), i, test_length))
    return found


def _meteor_candidates(test: list, reference: list, resources):
    """Every possible match per reference word where it starts, module by module in the
    jar's order, and how many candidates cover each word of either text. Identical texts are
    matched word for word only, as the jar does."""
    by_module = _word_candidates(test, reference, None if test == reference else resources)
    if test == reference:
        by_module = by_module[:1]
    elif resources is not None:
        by_module.append(_paraphrase_candidates(test, reference, resources))
    candidates: list[list] = [[] for _ in reference]
    test_cover, reference_cover = [0] * len(test), [0] * len(reference)
    for module in by_module:
        for match in module:
            _, j, length, i, test_length = match
            candidates[j].append(match)
            for k in range(length):
                reference_cover[j + k] += 1
            for k in range(test_length):
                test_cover[i + k] += 1
    return candidates, test_cover, reference_cover


def _meteor_search(test: list, reference: list, resources) -> list:
    """The jar's beam search over the candidates, left to right over the reference: more
    weighted matches first, then fewer chunks, then less distance, ties kept in order."""
    candidates, test_cover, reference_cover = _meteor_candidates(test, reference, resources)
    start = MeteorPath([None] * len(reference), [False] * len(test), [False] * len(reference))
    for j, options in enumerate(candidates):  # a match that nothing competes with is fixed
        if len(options) != 1:
            continue
        _, _, length, i, test_length = options[0]
        alone = all(c == 1 for c in reference_cover[j : j + length]) and all(
            c == 1 for c in test_cover[i : i + test_length]
        )
        if alone:
            start.matches[j] = options[0]
            start.use(options[0])
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
                    match = path.matches[path.index]
                    path.distance += abs(match[1] - match[3])
                    path.take(match)
                    upcoming.append(path)
            else:
                for match in candidates[current]:
                    if path.uses(match):
                        continue
                    branch = path.copy()
                    branch.use(match)
                    branch.matches[current] = match
                    branch.take(match)
                    path.distance += abs(match[1] - match[3])  # the jar adds it to the parent
                    upcoming.append(branch)
                if path.last_end != -1:  # or skip this reference word
                    path.chunks, path.last_end = path.chunks + 1, -1
                path.index += 1
                upcoming.append(path)
        upcoming = upcoming or paths[:1]
    return sorted(upcoming, key=MeteorPath.rank)[0].matches


def meteor_counts(test_text: str, reference_text: str, resources=None) -> MeteorCounts:
    """The jar's statistics of one written text against one reference; with `resources`
    (meteor_resources.py) its synonym and paraphrase modules too."""
    test, reference = test_text.lower().split(), reference_text.lower().split()
    function_words = set(METEOR_FUNCTION_WORDS.split())
    test_function = [w in function_words for w in test]
    reference_function = [w in function_words for w in reference]
    counts = MeteorCounts(len(test), len(reference), sum(test_function), sum(reference_function))
    matches = _meteor_search(test, reference, resources)
    for match in matches:
        if match is None:
            continue
        module, j, length, i, test_length = match
        for k in range(i, i + test_length):
            counts.module_matches[module][2 if test_function[k] else 0] += 1
        for k in range(j, j + length):
            counts.module_matches[module][3 if reference_function[k] else 1] += 1
    # chunks: runs of matches contiguous in both texts, walking the reference
    j, last_end = 0, -1
    while j < len(matches):
        match = matches[j]
        if match is None:
            counts.chunks += last_end != -1
            last_end, j = -1, j + 1
            continue
        _, _, length, i, test_length = match
        counts.chunks += last_end not in (-1, i)
        j, last_end = j + length, i + test_length
    counts.chunks += last_end != -1
    return counts


def meteor(candidates: list, references: list, resources=None) -> float:
    """Corpus METEOR of candidates[i] against references[i] (a list of texts each), as
    pycocoevalcap reports it: each text scored against its best reference, their statistics
    summed, and the score of the sums. The jar's four modules with `resources`
    (meteor_resources.py: its synonyms and paraphrases), else its exact and stem modules."""
    if not candidates:
        raise ValueError("METEOR needs one written text at least")
    total = MeteorCounts()
    for candidate, refs in zip(candidates, references, strict=True):
        best, best_score = MeteorCounts(), -1.0
        for reference in refs:
            counts = meteor_counts(candidate, reference, resources)
            score = meteor_from_counts(counts)
            if score > best_score:
                best, best_score = counts, score
        total.add(best)
    return meteor_from_counts(total)


def meteor_exact_stem(candidates: list, references: list) -> float:
    """Corpus METEOR with the jar's exact and stem modules only."""
    return meteor(candidates, references, None)


def meteor_vocabulary(candidates: list, references: list) -> set:
    """The words of the texts, as METEOR reads them: what meteor_resources keeps the
    paraphrases of."""
    texts = [*candidates, *(r for refs in references for r in refs)]
    return {word for text in texts for word in text.lower().split()}
