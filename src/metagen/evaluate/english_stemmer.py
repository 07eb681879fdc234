"""The Snowball English (Porter2) stemmer, as METEOR 1.5's jar runs it (its englishStemmer):
the stem step of METEOR's word matching."""

STEM_VOWELS = "aeiouy"
# Whole words the algorithm stems by table (before anything else), or leaves as they are.
STEM_EXCEPTIONS = {
    "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie",
    "idly": "idl", "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli",
    "singly": "singl", "sky": "sky", "news": "news", "howe": "howe", "atlas": "atlas",
    "cosmos": "cosmos", "bias": "bias", "andes": "andes",
}  # fmt: skip
# Words left alone once step 1a has run.
STEM_INVARIANT_AFTER_1A = (
    "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed",
)  # fmt: skip
# Prefixes after which R1 starts, whatever their letters (general, communism, arsenal).
STEM_R1_PREFIXES = ("gener", "commun", "arsen")
STEM_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
STEM_LI_ENDINGS = "cdeghkmnrt"
# (suffix, replacement) longest first within each step; a step acts on its longest suffix only.
STEM_STEP2 = (
    ("ization", "ize"), ("ational", "ate"), ("fulness", "ful"), ("ousness", "ous"),
    ("iveness", "ive"), ("tional", "tion"), ("biliti", "ble"), ("lessli", "less"),
    ("entli", "ent"), ("ation", "ate"), ("alism", "al"), ("aliti", "al"), ("ousli", "ous"),
    ("iviti", "ive"), ("fulli", "ful"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"),
    ("izer", "ize"), ("ator", "ate"), ("alli", "al"), ("bli", "ble"), ("ogi", "og"),
    ("li", ""),
)  # fmt: skip
STEM_STEP3 = (
    ("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"),
    ("ative", ""), ("ical", "ic"), ("ness", ""), ("ful", ""),
)  # fmt: skip
STEM_STEP4 = (
    "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous",
    "ive", "ize", "ion", "al", "er", "ic",
)  # fmt: skip


def _stem_is_vowel(word: str, i: int) -> bool:
    return word[i] in STEM_VOWELS  # 'Y' (a consonant y) is not


def _stem_region_after(word: str, start: int) -> int:
    """Where the region starts that follows the first non-vowel after a vowel, from start."""
    for i in range(start + 1, len(word)):
        if not _stem_is_vowel(word, i) and _stem_is_vowel(word, i - 1):
            return i + 1
    return len(word)


def _stem_short_syllable_ends(word: str, end: int) -> bool:
    """Whether word[:end] ends in a short syllable: non-vowel (not w, x, Y), vowel, non-vowel;
    or a vowel then a non-vowel at the very start."""
    if end >= 3:
        a, b, c = end - 3, end - 2, end - 1
        if not _stem_is_vowel(word, a) and _stem_is_vowel(word, b):
            return not _stem_is_vowel(word, c) and word[c] not in "wxY"
    return end == 2 and _stem_is_vowel(word, 0) and not _stem_is_vowel(word, 1)


def _stem_longest(word: str, suffixes) -> str | None:
    matches = [s for s in suffixes if word.endswith(s)]
    return max(matches, key=len) if matches else None


def _stem_step_1a(word: str) -> str:
    for apostrophe in ("'s'", "'s", "'"):
        if word.endswith(apostrophe):
            word = word[: -len(apostrophe)]
            break
    suffix = _stem_longest(word, ("sses", "ied", "ies", "us", "ss", "s"))
    if suffix == "sses":
        return word[:-2]
    if suffix in ("ied", "ies"):
        return word[:-3] + ("i" if len(word) > 4 else "ie")
    if suffix == "s" and any(_stem_is_vowel(word, i) for i in range(len(word) - 2)):
        return word[:-1]
    return word


def _stem_step_1b(word: str, r1: int) -> str:
    suffix = _stem_longest(word, ("eed", "eedly", "ed", "edly", "ing", "ingly"))
    if suffix in ("eed", "eedly"):
        return word[: -len(suffix)] + "ee" if len(word) - len(suffix) >= r1 else word
    if suffix is None:
        return word
    stem = word[: -len(suffix)]
    if not any(_stem_is_vowel(stem, i) for i in range(len(stem))):
        return word
    if stem.endswith(("at", "bl", "iz")):
        return stem + "e"
    if stem.endswith(STEM_DOUBLES):
        return stem[:-1]
    if r1 == len(stem) and _stem_short_syllable_ends(stem, len(stem)):
        return stem + "e"
    return stem


def _stem_step_1c(word: str) -> str:
    if len(word) > 2 and word[-1] in "yY" and not _stem_is_vowel(word, len(word) - 2):
        return word[:-1] + "i"
    return word


def _stem_steps_2_to_5(word: str, r1: int, r2: int) -> str:
    suffix = _stem_longest(word, [s for s, _ in STEM_STEP2])
    if suffix is not None and len(word) - len(suffix) >= r1:
        stem = word[: -len(suffix)]
        if suffix == "ogi":
            word = stem + "og" if stem.endswith("l") else word
        elif suffix == "li":
            word = stem if stem[-1:] in STEM_LI_ENDINGS else word
        else:
            word = stem + dict(STEM_STEP2)[suffix]
    suffix = _stem_longest(word, [s for s, _ in STEM_STEP3])
    if suffix is not None and len(word) - len(suffix) >= r1:
        if suffix != "ative" or len(word) - len(suffix) >= r2:
            word = word[: -len(suffix)] + dict(STEM_STEP3)[suffix]
    suffix = _stem_longest(word, STEM_STEP4)
    if suffix is not None and len(word) - len(suffix) >= r2:
        stem = word[: -len(suffix)]
        if suffix != "ion" or stem.endswith(("s", "t")):
            word = stem
    end = len(word) - 1
    if word.endswith("e") and (
        end >= r2 or (end >= r1 and not _stem_short_syllable_ends(word, end))
    ):
        return word[:-1]
    if word.endswith("ll") and end >= r2:
        return word[:-1]
    return word


def snowball_english_stem(word: str) -> str:
    """The Porter2 stem of one lowercased word ("generously" -> "generous", "circles" ->
    "circl")."""
    if word in STEM_EXCEPTIONS:
        return STEM_EXCEPTIONS[word]
    if len(word) <= 2:
        return word
    word = word[1:] if word.startswith("'") else word
    # a y at the start or after a vowel is a consonant: Y until the end
    letters = list(word)
    for i, letter in enumerate(letters):
        if letter == "y" and (i == 0 or letters[i - 1] in STEM_VOWELS):
            letters[i] = "Y"
    word = "".join(letters)
    prefix = next((p for p in STEM_R1_PREFIXES if word.startswith(p)), None)
    r1 = len(prefix) if prefix else _stem_region_after(word, 0)
    r2 = _stem_region_after(word, r1) if r1 < len(word) else len(word)
    word = _stem_step_1a(word)
    if word not in STEM_INVARIANT_AFTER_1A:
        word = _stem_step_1c(_stem_step_1b(word, r1))
        word = _stem_steps_2_to_5(word, r1, r2)
    return word.replace("Y", "y")
