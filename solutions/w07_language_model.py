"""Week 7: a character-level language model, perplexity and temperature sampling.

Each top-level definition below is one graded item of ``assignments/w07_language_model``;
its source is copied verbatim into the notebook's answer cell. The notebook trains on the
Shakespeare corpus of ``course_data.load_shakespeare``; the ``vocab`` of ``generate`` is that
corpus's ``CharVocab`` (anything with ``stoi``, a dict char -> id, and ``itos``, id -> char).
"""
import math
import time

import torch
import torch.nn as nn
from tqdm.auto import tqdm


def perplexity(logits, targets, ignore_index=-100):
    """``exp`` of the mean negative log-likelihood (natural log) of the targets.

    logits: (..., V) unnormalized scores; targets: (...) integer class ids in [0, V) or
        ``ignore_index``, which are left out of the mean
    returns: a 0-dim tensor of logits' dtype; differentiable; stays finite for logits up to
        1e4 in magnitude (log-softmax via logsumexp), whenever the true value is finite
    """
    ### BEGIN SOLUTION
    if logits.dim() < 1 or not logits.is_floating_point():
        raise ValueError(f"logits must be a floating tensor of shape (..., V), got {logits.dtype} {tuple(logits.shape)}")
    if targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets shape {tuple(targets.shape)} must equal logits.shape[:-1] = {tuple(logits.shape[:-1])}")
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise ValueError(f"targets must hold integer class ids, got dtype {targets.dtype}")
    num_classes = logits.shape[-1]
    logits = logits.reshape(-1, num_classes)
    targets = targets.reshape(-1)
    keep = targets != ignore_index
    if not bool(keep.any()):
        raise ValueError("no targets left once ignore_index is removed: perplexity is undefined")
    logits, targets = logits[keep], targets[keep]
    if int(targets.min()) < 0 or int(targets.max()) >= num_classes:
        raise ValueError(f"targets must lie in [0, {num_classes}) or equal ignore_index={ignore_index}")
    log_norm = torch.logsumexp(logits, dim=-1)
    target_logits = logits.gather(1, targets.unsqueeze(1)).squeeze(1)
    mean_nll = (log_norm - target_logits).mean()
    return torch.exp(mean_nll)
    ### END SOLUTION


def temperature_softmax(logits, temperature):
    """``softmax(logits / temperature)`` over the last dimension.

    logits: (..., V); temperature: a number > 0 (1 is the plain softmax, small values sharpen,
        large values flatten)
    returns: (..., V) probabilities, dtype of logits
    """
    ### BEGIN SOLUTION
    temperature = float(temperature)
    if not temperature > 0:  # also rejects nan
        raise ValueError(f"temperature must be > 0, got {temperature}")
    return torch.softmax(logits / temperature, dim=-1)
    ### END SOLUTION


def sample_next(logits, temperature=1.0, generator=None):
    """Draw one token id per row.

    logits: (B, V); temperature: 0 means greedy (argmax), > 0 samples from
        ``temperature_softmax(logits, temperature)``; generator: a ``torch.Generator`` on
        logits' device, or None for the global random state (the global state is never used
        when a generator is given)
    returns: LongTensor (B,)
    """
    ### BEGIN SOLUTION
    if logits.dim() != 2:
        raise ValueError(f"logits must be 2-D (batch, vocab), got shape {tuple(logits.shape)}")
    temperature = float(temperature)
    if temperature < 0 or math.isnan(temperature):
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if temperature == 0:
        return logits.argmax(dim=-1)
    probs = temperature_softmax(logits, temperature)
    return torch.multinomial(probs, 1, generator=generator).squeeze(1)
    ### END SOLUTION


class CharLM(nn.Module):
    """Embedding -> LSTM (``num_layers`` layers, batch first) -> Linear to vocabulary scores.

    forward(tokens: LongTensor (B, T), state=None) -> (logits (B, T, V), state), where
    state is the LSTM's ``(h, c)``, each (num_layers, B, hidden_size); None means zeros.
    """

    def __init__(self, vocab_size, embed_dim, hidden_size, num_layers=1):
        super().__init__()
        ### BEGIN SOLUTION
        for name, value in [("vocab_size", vocab_size), ("embed_dim", embed_dim),
                            ("hidden_size", hidden_size), ("num_layers", num_layers)]:
            if value < 1:
                raise ValueError(f"{name} must be positive, got {value}")
        self.vocab_size = vocab_size
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.rnn = nn.LSTM(embed_dim, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)
        ### END SOLUTION

    def forward(self, tokens, state=None):
        ### BEGIN SOLUTION
        if tokens.dim() != 2:
            raise ValueError(f"tokens must be 2-D (batch, time), got shape {tuple(tokens.shape)}")
        outputs, state = self.rnn(self.embedding(tokens), state)
        return self.head(outputs), state
        ### END SOLUTION


def generate(model, vocab, prefix, length, temperature=1.0, generator=None):
    """Continue ``prefix`` with ``length`` characters sampled from ``model``.

    model: a ``CharLM``; vocab: the corpus's ``CharVocab`` (``stoi``: dict char -> id,
        ``itos``: id -> char); prefix: a non-empty str in the vocabulary; length: int >= 0;
        temperature, generator: as in ``sample_next`` (same generator seed, same text)
    returns: str, ``prefix`` followed by ``length`` sampled characters. The model is run in
        eval mode without gradients and put back in its previous mode.
    """
    ### BEGIN SOLUTION
    if not isinstance(prefix, str) or len(prefix) == 0:
        raise ValueError("prefix must be a non-empty string")
    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    unknown = sorted(set(prefix) - set(vocab.stoi))
    if unknown:
        raise ValueError(f"prefix has characters outside the vocabulary: {unknown}")
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            tokens = torch.tensor([[vocab.stoi[c] for c in prefix]], dtype=torch.long, device=device)
            logits, state = model(tokens)
            out = []
            for i in range(length):
                next_id = sample_next(logits[:, -1], temperature, generator)
                out.append(vocab.itos[int(next_id)])
                if i + 1 < length:
                    logits, state = model(next_id.view(1, 1), state)
    finally:
        model.train(was_training)
    return prefix + "".join(out)
    ### END SOLUTION


def train_language_model(model, train_ids, valid_ids, steps=700, batch_size=32, seq_len=100, lr=5e-3,
                         max_grad_norm=1.0, eval_every=175, eval_streams=16, seed=0, progress=True):
    """Train a ``CharLM`` by next-character prediction with Adam and a cosine learning-rate decay.

    train_ids, valid_ids: 1-D LongTensors (or lists) of character ids, e.g.
        ``torch.tensor(corpus.vocab.encode(corpus.train))``
    steps: optimizer steps; each takes ``batch_size`` windows of ``seq_len + 1`` characters at
        random offsets (drawn from a private generator seeded with ``seed``) and starts from a
        zero state; the loss is the mean NLL, ``log(perplexity(logits, targets))``
    max_grad_norm: gradient clipping (None: off)
    eval_every: evaluate every that many steps and after the last one. The validation
        perplexity reads ``valid_ids`` as ``eval_streams`` contiguous streams, ``seq_len``
        characters at a time, carrying the state, and pools the NLL of every predicted character.
    returns: history, a dict of lists, one entry per evaluation: "step", "train_loss" (mean
        NLL since the previous evaluation), "valid_perplexity", "seconds" (since the start).
        The model is left in eval mode.
    """
    ### BEGIN SOLUTION
    train_ids = torch.as_tensor(train_ids, dtype=torch.long).reshape(-1)
    valid_ids = torch.as_tensor(valid_ids, dtype=torch.long).reshape(-1)
    if steps < 1 or batch_size < 1 or seq_len < 1 or eval_every < 1 or eval_streams < 1:
        raise ValueError("steps, batch_size, seq_len, eval_every and eval_streams must be positive")
    if train_ids.numel() < seq_len + 2:
        raise ValueError(f"train_ids needs more than seq_len + 1 = {seq_len + 1} characters")
    if valid_ids.numel() < eval_streams + 1:
        raise ValueError(f"valid_ids needs more than eval_streams = {eval_streams} characters")
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps, eta_min=lr / 10)
    generator = torch.Generator().manual_seed(seed)
    window = torch.arange(seq_len + 1)

    def evaluate():
        model.eval()
        per_stream = (valid_ids.numel() - 1) // eval_streams
        inputs = valid_ids[: eval_streams * per_stream].view(eval_streams, per_stream).to(device)
        targets = valid_ids[1: eval_streams * per_stream + 1].view(eval_streams, per_stream).to(device)
        total_nll, count, state = 0.0, 0, None
        with torch.no_grad():
            for start in range(0, per_stream, seq_len):
                logits, state = model(inputs[:, start:start + seq_len], state)
                chunk = targets[:, start:start + seq_len]
                total_nll += math.log(perplexity(logits, chunk).item()) * chunk.numel()
                count += chunk.numel()
        model.train()
        return math.exp(total_nll / count)

    history = {"step": [], "train_loss": [], "valid_perplexity": [], "seconds": []}
    start_time = time.perf_counter()
    loss_sum, loss_count = 0.0, 0
    model.train()
    bar = tqdm(range(1, steps + 1), desc="train_language_model", disable=not progress)
    for step in bar:
        offsets = torch.randint(0, train_ids.numel() - seq_len, (batch_size,), generator=generator)
        chunk = train_ids[offsets.unsqueeze(1) + window].to(device)
        logits, _ = model(chunk[:, :-1])
        loss = torch.log(perplexity(logits, chunk[:, 1:]))
        optimizer.zero_grad()
        loss.backward()
        if max_grad_norm is not None:
            nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
        optimizer.step()
        schedule.step()
        loss_sum += loss.item()
        loss_count += 1
        if step % eval_every == 0 or step == steps:
            valid_ppl = evaluate()
            history["step"].append(step)
            history["train_loss"].append(loss_sum / loss_count)
            history["valid_perplexity"].append(valid_ppl)
            history["seconds"].append(time.perf_counter() - start_time)
            bar.set_postfix(loss=f"{loss_sum / loss_count:.3f}", valid_ppl=f"{valid_ppl:.2f}")
            loss_sum, loss_count = 0.0, 0
    model.eval()
    return history
    ### END SOLUTION
