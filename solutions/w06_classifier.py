"""Week 6: a recurrent text classifier.

Each top-level definition below is one graded item of ``assignments/w06_classifier``;
its source is copied verbatim into the notebook's answer cell. ``torch.nn`` layers are
allowed this week. The notebook trains on TREC question classification (six classes,
``course_data.load_trec``); ``keras_lstm_to_torch`` ports the weights of a Keras LSTM layer.
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm.auto import tqdm


def pad_sequences(seqs, pad_idx=0):
    """Right-pad token-id lists to a batch.

    seqs: list of B non-empty lists of ints
    returns: (tokens: LongTensor (B, T_max), lengths: LongTensor (B,)), where
        ``tokens[b, :lengths[b]] == seqs[b]`` and the rest of row b is ``pad_idx``
    """
    ### BEGIN SOLUTION
    if len(seqs) == 0:
        raise ValueError("seqs must contain at least one sequence")
    rows = [torch.as_tensor(s, dtype=torch.long) for s in seqs]
    for i, row in enumerate(rows):
        if row.dim() != 1 or row.numel() == 0:
            raise ValueError(f"sequence {i} must be a non-empty 1-D list of ints, got shape {tuple(row.shape)}")
    lengths = torch.tensor([row.numel() for row in rows], dtype=torch.long)
    tokens = torch.full((len(rows), int(lengths.max())), pad_idx, dtype=torch.long)
    for i, row in enumerate(rows):
        tokens[i, : row.numel()] = row
    return tokens, lengths
    ### END SOLUTION


def lengths_to_mask(lengths, max_len=None):
    """Boolean mask of the real (non-padding) steps.

    lengths: LongTensor (B,); max_len: int >= max(lengths), or None for max(lengths)
    returns: BoolTensor (B, T), True at the first ``lengths[b]`` positions of row b
    """
    ### BEGIN SOLUTION
    if lengths.dim() != 1:
        raise ValueError(f"lengths must be 1-D (batch,), got shape {tuple(lengths.shape)}")
    if lengths.numel() > 0 and int(lengths.min()) < 0:
        raise ValueError("lengths must be non-negative")
    longest = int(lengths.max()) if lengths.numel() > 0 else 0
    if max_len is None:
        max_len = longest
    elif max_len < longest:
        raise ValueError(f"max_len={max_len} is shorter than the longest sequence ({longest})")
    steps = torch.arange(max_len, device=lengths.device)
    return steps.unsqueeze(0) < lengths.unsqueeze(1)
    ### END SOLUTION


def masked_mean(x, mask):
    """Mean over time of the unmasked steps.

    x: (B, T, D); mask: BoolTensor (B, T) with at least one True per row
    returns: (B, D), dtype of x; padded steps (mask False) never contribute, even if inf/nan
    """
    ### BEGIN SOLUTION
    if x.dim() != 3:
        raise ValueError(f"x must be 3-D (batch, time, features), got shape {tuple(x.shape)}")
    if mask.shape != x.shape[:2]:
        raise ValueError(f"mask shape {tuple(mask.shape)} does not match x's (batch, time) {tuple(x.shape[:2])}")
    mask = mask.to(torch.bool)
    counts = mask.sum(dim=1, keepdim=True)
    if bool((counts == 0).any()):
        raise ValueError("every row of mask needs at least one True step")
    total = x.masked_fill(~mask.unsqueeze(-1), 0).sum(dim=1)
    return total / counts.to(x.dtype)
    ### END SOLUTION


class TextClassifier(nn.Module):
    """Embedding -> bidirectional GRU over the true lengths -> masked mean over time -> Linear.

    forward(tokens: LongTensor (B, T), lengths: LongTensor (B,)) -> logits (B, num_classes)
    The GRU has ``hidden_size`` units per direction; dropout 0.3 (training mode only) acts on
    the embeddings and on the pooled features. Padded sequences are packed, so in eval mode
    extra padding never changes the logits and a sequence's logits do not depend on the rest
    of its batch.
    """

    def __init__(self, vocab_size, embed_dim, hidden_size, num_classes, pad_idx=0):
        super().__init__()
        ### BEGIN SOLUTION
        for name, value in [("vocab_size", vocab_size), ("embed_dim", embed_dim),
                            ("hidden_size", hidden_size), ("num_classes", num_classes)]:
            if value < 1:
                raise ValueError(f"{name} must be positive, got {value}")
        if not 0 <= pad_idx < vocab_size:
            raise ValueError(f"pad_idx must be in [0, {vocab_size}), got {pad_idx}")
        self.pad_idx = pad_idx
        self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=pad_idx)
        self.rnn = nn.GRU(embed_dim, hidden_size, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.3)
        self.head = nn.Linear(2 * hidden_size, num_classes)
        ### END SOLUTION

    def forward(self, tokens, lengths):
        ### BEGIN SOLUTION
        if tokens.dim() != 2:
            raise ValueError(f"tokens must be 2-D (batch, time), got shape {tuple(tokens.shape)}")
        if lengths.shape != tokens.shape[:1]:
            raise ValueError(f"lengths must have shape ({tokens.shape[0]},), got {tuple(lengths.shape)}")
        if int(lengths.min()) < 1 or int(lengths.max()) > tokens.shape[1]:
            raise ValueError(f"lengths must lie in [1, {tokens.shape[1]}]")
        embedded = self.dropout(self.embedding(tokens))
        packed = nn.utils.rnn.pack_padded_sequence(embedded, lengths.cpu(), batch_first=True,
                                                   enforce_sorted=False)
        outputs, _ = self.rnn(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True,
                                                       total_length=tokens.shape[1])
        pooled = masked_mean(outputs, lengths_to_mask(lengths, tokens.shape[1]).to(outputs.device))
        return self.head(self.dropout(pooled))
        ### END SOLUTION


def keras_lstm_to_torch(kernel, recurrent_kernel, bias):
    """The weights of a Keras LSTM layer as a state dict that ``nn.LSTM(input_size, hidden_size)`` loads.

    kernel: (input_size, 4 * hidden_size); recurrent_kernel: (hidden_size, 4 * hidden_size);
    bias: (4 * hidden_size,): Keras' ``layer.get_weights()``, as tensors of one floating dtype
    returns: {"weight_ih_l0": (4 * hidden_size, input_size), "weight_hh_l0": (4 * hidden_size, hidden_size),
        "bias_ih_l0": (4 * hidden_size,), "bias_hh_l0": (4 * hidden_size,)} in the dtype of the inputs,
        with which nn.LSTM computes what the Keras layer computes
    Raises ValueError when the three shapes do not fit one LSTM layer.

    Keras computes ``x @ kernel``, PyTorch ``x @ weight_ih_l0.T``; both order the gate blocks i, f,
    c (PyTorch's g), o. Keras has one bias, PyTorch adds two: put it in bias_ih_l0 and zeros in
    bias_hh_l0 (nn.LSTM only uses their sum).
    """
    ### BEGIN SOLUTION
    if kernel.dim() != 2 or recurrent_kernel.dim() != 2 or bias.dim() != 1:
        raise ValueError(f"expected a 2-D kernel, a 2-D recurrent_kernel and a 1-D bias, got shapes "
                         f"{tuple(kernel.shape)}, {tuple(recurrent_kernel.shape)} and {tuple(bias.shape)}")
    input_size, four_hidden = kernel.shape
    hidden_size = four_hidden // 4
    if four_hidden == 0 or four_hidden % 4 != 0:
        raise ValueError(f"kernel must have 4 * hidden_size columns (gates i, f, c, o), "
                         f"got shape {tuple(kernel.shape)}")
    if recurrent_kernel.shape != (hidden_size, four_hidden):
        raise ValueError(f"recurrent_kernel must have shape (hidden_size, 4 * hidden_size) = "
                         f"{(hidden_size, four_hidden)} for a kernel of shape {tuple(kernel.shape)}, "
                         f"got {tuple(recurrent_kernel.shape)}")
    if bias.shape != (four_hidden,):
        raise ValueError(f"bias must have shape (4 * hidden_size,) = ({four_hidden},), got {tuple(bias.shape)}")
    return {
        "weight_ih_l0": kernel.T.contiguous(),
        "weight_hh_l0": recurrent_kernel.T.contiguous(),
        "bias_ih_l0": bias.clone(),
        "bias_hh_l0": torch.zeros_like(bias),  # nn.LSTM adds both biases: the Keras bias must count once
    }
    ### END SOLUTION


def train_classifier(model, train_data, valid_data, epochs=10, batch_size=32, lr=3e-3,
                     weight_decay=0.0, max_grad_norm=1.0, seed=0, restore_best=True, progress=True):
    """Train ``model(tokens, lengths) -> logits`` with Adam and cross-entropy.

    train_data, valid_data: ``(seqs, labels)`` with seqs a list of non-empty token-id lists
        and labels a list of class ids (``course_data``'s ``data.encode(split, vocab)``)
    epochs, batch_size, lr, weight_decay: the usual; max_grad_norm: gradient clipping (None: off)
    seed: seeds the shuffling (a private generator; the global RNG drives only dropout)
    restore_best: end with the weights of the epoch with the best validation accuracy
    progress: show a tqdm progress bar
    returns: history, a dict of lists with one entry per epoch: "train_loss", "train_acc"
        (running averages over the epoch), "valid_loss", "valid_acc"; and "best_epoch" (int,
        0-based). The model is left in eval mode.
    """
    ### BEGIN SOLUTION
    train_seqs, train_labels = train_data
    valid_seqs, valid_labels = valid_data
    if len(train_seqs) != len(train_labels) or len(valid_seqs) != len(valid_labels):
        raise ValueError("each of train_data and valid_data must hold as many labels as sequences")
    if len(train_seqs) == 0 or len(valid_seqs) == 0:
        raise ValueError("train_data and valid_data must not be empty")
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be positive, got {epochs} and {batch_size}")
    device = next(model.parameters()).device
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    generator = torch.Generator().manual_seed(seed)
    train_targets = torch.as_tensor(train_labels, dtype=torch.long)
    valid_targets = torch.as_tensor(valid_labels, dtype=torch.long)

    def batches(seqs, targets, order):
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size].tolist()
            tokens, lengths = pad_sequences([seqs[i] for i in idx], pad_idx=getattr(model, "pad_idx", 0))
            yield tokens.to(device), lengths.to(device), targets[idx].to(device)

    def evaluate(seqs, targets):
        model.eval()
        loss_sum, correct = 0.0, 0
        with torch.no_grad():
            for tokens, lengths, y in batches(seqs, targets, torch.arange(len(seqs))):
                logits = model(tokens, lengths)
                loss_sum += F.cross_entropy(logits, y, reduction="sum").item()
                correct += (logits.argmax(dim=1) == y).sum().item()
        return loss_sum / len(seqs), correct / len(seqs)

    history = {"train_loss": [], "train_acc": [], "valid_loss": [], "valid_acc": [], "best_epoch": 0}
    best_acc, best_state = -1.0, None
    steps_per_epoch = (len(train_seqs) + batch_size - 1) // batch_size
    bar = tqdm(total=epochs * steps_per_epoch, desc="train_classifier", disable=not progress)
    for epoch in range(epochs):
        model.train()
        loss_sum, correct, seen = 0.0, 0, 0
        order = torch.randperm(len(train_seqs), generator=generator)
        for tokens, lengths, y in batches(train_seqs, train_targets, order):
            logits = model(tokens, lengths)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            if max_grad_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), max_grad_norm)
            optimizer.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(dim=1) == y).sum().item()
            seen += len(y)
            bar.update(1)
        valid_loss, valid_acc = evaluate(valid_seqs, valid_targets)
        history["train_loss"].append(loss_sum / seen)
        history["train_acc"].append(correct / seen)
        history["valid_loss"].append(valid_loss)
        history["valid_acc"].append(valid_acc)
        bar.set_postfix(epoch=epoch + 1, loss=f"{loss_sum / seen:.3f}", valid_acc=f"{valid_acc:.3f}")
        if valid_acc > best_acc:
            best_acc, history["best_epoch"] = valid_acc, epoch
            if restore_best:
                best_state = copy.deepcopy(model.state_dict())
    bar.close()
    if restore_best:
        model.load_state_dict(best_state)
    model.eval()
    return history
    ### END SOLUTION
