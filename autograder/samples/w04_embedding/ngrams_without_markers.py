"""Wrong: char_ngrams forgets the boundary markers < and > (NgramEmbedding keeps its points)."""

EXPECT = {"char_ngrams": "wrap the word in the boundary markers first"}


def char_ngrams(word, n_min=3, n_max=6):
    return [word[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(word) - n + 1)]
