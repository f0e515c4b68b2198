"""Train the reference checkpoints of the two training weeks, exactly as their notebooks do.

    python -m solutions.train_checkpoints        # writes solutions/checkpoints/WEEK/*.pt

The hidden checks score a submitted checkpoint; in CI they are run against these files. Each
takes about 20 s on one CPU thread (reference: TREC-6 test accuracy 0.838, Shakespeare
validation perplexity 5.02).
"""
from pathlib import Path

import torch

from course_data import Vocab, load_trec, tokenize
from course_data.char_corpus import load_shakespeare
from solutions import w06_classifier, w07_language_model

HERE = Path(__file__).resolve().parent / "checkpoints"


def train_classifier_checkpoint(path):
    data = load_trec()
    vocab = Vocab.build((tokenize(ex.text) for ex in data.train), min_freq=2)
    train, valid = data.encode("train", vocab), data.encode("valid", vocab)
    torch.manual_seed(0)
    config = dict(vocab_size=len(vocab), embed_dim=48, hidden_size=48, num_classes=data.num_classes,
                  pad_idx=vocab.pad_idx)
    model = w06_classifier.TextClassifier(**config)
    w06_classifier.train_classifier(model, train, valid, epochs=5, batch_size=32, lr=3e-3, seed=0, progress=False)
    torch.save({"config": config, "vocab": vocab.itos, "state_dict": model.state_dict()}, path)


def train_language_model_checkpoint(path):
    corpus = load_shakespeare()
    vocab = corpus.vocab
    torch.manual_seed(0)
    config = dict(vocab_size=len(vocab), embed_dim=32, hidden_size=128, num_layers=1)
    lm = w07_language_model.CharLM(**config)
    w07_language_model.train_language_model(lm, torch.tensor(vocab.encode(corpus.train)),
                                            torch.tensor(vocab.encode(corpus.valid[:20000])), steps=800,
                                            batch_size=32, seq_len=64, lr=1e-2, eval_every=200, eval_streams=16,
                                            progress=False)
    torch.save({"config": config, "state_dict": lm.state_dict()}, path)


def main():
    torch.set_num_threads(1)
    for week, name, train in (("w06_classifier", "classifier.pt", train_classifier_checkpoint),
                              ("w07_language_model", "language_model.pt", train_language_model_checkpoint)):
        (HERE / week).mkdir(parents=True, exist_ok=True)
        train(HERE / week / name)
        print("wrote", HERE / week / name)


if __name__ == "__main__":
    main()
