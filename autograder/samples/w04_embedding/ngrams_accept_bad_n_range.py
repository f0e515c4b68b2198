"""Wrong: char_ngrams accepts any n_min and n_max: n_min > n_max quietly gives [] and n_min = 0 empty strings, where
a ValueError is asked for."""
EXPECT = {"char_ngrams": "should raise ValueError"}


def char_ngrams(word, n_min=3, n_max=6):
    wrapped = "<" + word + ">"
    return [wrapped[i:i + n] for n in range(n_min, n_max + 1) for i in range(len(wrapped) - n + 1)]
