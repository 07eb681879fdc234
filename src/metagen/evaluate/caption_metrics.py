"""Caption metrics of written texts against references, as the COCO caption evaluation
defines them (pycocoevalcap, which the tests compare with): ROUGE-L (the longest common
subsequence's F-measure, beta 1.2) and CIDEr-D (TF-IDF n-gram similarity, n = 1..4, with
clipping and a Gaussian length penalty, x10); and corpus BLEU by sacrebleu. Texts are
compared as lowercased whitespace-separated words. METEOR is in meteor.py."""

import math
from collections import Counter

CIDER_SIGMA = 6.0
ROUGE_BETA = 1.2


def _words(text: str) -> list:
    return text.lower().split()


def _lcs(a: list, b: list) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(candidate: str, references: list) -> float:
    """ROUGE-L of one text against its references: the best precision and the best recall of
    the longest common subsequence over the references, combined with beta 1.2."""
    words = _words(candidate)
    if not words:
        return 0.0
    precision, recall = 0.0, 0.0
    for reference in references:
        ref = _words(reference)
        common = _lcs(words, ref) if ref else 0
        precision = max(precision, common / len(words))
        recall = max(recall, common / len(ref) if ref else 0.0)
    if precision == 0 or recall == 0:
        return 0.0
    beta2 = ROUGE_BETA**2
    return (1 + beta2) * precision * recall / (recall + beta2 * precision)


def _ngrams(words: list, n: int = 4) -> Counter:
    return Counter(
        tuple(words[i : i + k]) for k in range(1, n + 1) for i in range(len(words) - k + 1)
    )


def _tfidf(counts: Counter, frequency: Counter, log_images: float):
    """Per n-gram order: the TF-IDF vector, its norm, and the text's bigram count (the length
    CIDEr-D's penalty compares, as pycocoevalcap counts it)."""
    vectors: list[dict] = [{} for _ in range(4)]
    norms = [0.0] * 4
    length = 0
    for gram, count in counts.items():
        order = len(gram) - 1
        weight = float(count) * (log_images - math.log(max(1.0, frequency[gram])))
        vectors[order][gram] = weight
        norms[order] += weight**2
        if order == 1:
            length += count
    return vectors, [math.sqrt(n) for n in norms], length


def cider_d(candidates: list, references: list) -> float:
    """Corpus CIDEr-D of candidates[i] against references[i] (a list of texts each), the
    document frequencies taken over these references."""
    if not candidates:
        raise ValueError("CIDEr-D needs one written text at least")
    frequency: Counter = Counter()
    reference_grams = [[_ngrams(_words(r)) for r in refs] for refs in references]
    for grams in reference_grams:
        frequency.update(set().union(*[set(g) for g in grams]) if grams else set())
    log_images = math.log(float(len(candidates)))
    total = 0.0
    for candidate, grams in zip(candidates, reference_grams, strict=True):
        vec, norm, length = _tfidf(_ngrams(_words(candidate)), frequency, log_images)
        score = 0.0
        for ref_counts in grams:
            ref_vec, ref_norm, ref_length = _tfidf(ref_counts, frequency, log_images)
            penalty = math.exp(-((length - ref_length) ** 2) / (2 * CIDER_SIGMA**2))
            for order in range(4):
                overlap = sum(min(w, ref_vec[order].get(g, 0.0)) * ref_vec[order].get(g, 0.0)
                              for g, w in vec[order].items())  # fmt: skip
                if norm[order] and ref_norm[order]:
                    overlap /= norm[order] * ref_norm[order]
                score += overlap * penalty
        total += 10.0 * score / (4 * max(1, len(grams)))
    return total / len(candidates)


def corpus_bleu(candidates: list, references: list) -> float:
    """sacrebleu's corpus BLEU (0-100) of candidates[i] against its one reference."""
    import sacrebleu

    lowered = [c.lower() for c in candidates]
    return float(sacrebleu.corpus_bleu(lowered, [[r.lower() for r in references]]).score)
