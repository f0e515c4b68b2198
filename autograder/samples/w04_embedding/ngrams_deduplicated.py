"""Wrong: char_ngrams drops repeated n-grams (a set), so 'aaaa' loses a copy of 'aaa'."""

EXPECT = {"char_ngrams": "keep duplicates"}


def char_ngrams(word, n_min=3, n_max=6):
    wrapped = "<" + word + ">"
    seen, grams = set(), []
    for n in range(n_min, n_max + 1):
        for i in range(len(wrapped) - n + 1):
            if wrapped[i:i + n] not in seen:
                seen.add(wrapped[i:i + n])
                grams.append(wrapped[i:i + n])
    return grams
