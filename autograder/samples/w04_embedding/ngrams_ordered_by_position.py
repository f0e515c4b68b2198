"""Wrong: char_ngrams lists the n-grams by position first, then by n (NgramEmbedding's mean does not mind)."""

EXPECT = {"char_ngrams": "order by n first"}


def char_ngrams(word, n_min=3, n_max=6):
    wrapped = "<" + word + ">"
    grams = []
    for start in range(len(wrapped)):
        for n in range(n_min, n_max + 1):
            if start + n <= len(wrapped):
                grams.append(wrapped[start:start + n])
    return grams
