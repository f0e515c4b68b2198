"""Wrong: char_ngrams returns the whole wrapped word when it is shorter than n_min, so char_ngrams('') is ['<>'],
not []."""
EXPECT = {"char_ngrams": "do not fall back to the whole wrapped word"}


def char_ngrams(word, n_min=3, n_max=6):
    wrapped = "<" + word + ">"
    if len(wrapped) < n_min:
        return [wrapped]  # every word gets at least one n-gram
    return [wrapped[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(wrapped) - n + 1)]
