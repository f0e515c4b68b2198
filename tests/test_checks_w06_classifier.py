"""Week-specific checks of the checks for w06_classifier (the generic ones: tests/test_checks_of_checks.py)."""
import torch
import torch.nn as nn

import solutions.w06_classifier as ref
from autograder.implementation import SandboxedImplementation
from autograder.notebooks import reference_cells
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from sandboxes import warm_launcher

WEEK = "w06_classifier"


def test_nothing_is_forbidden():
    """torch.nn layers are allowed this week."""
    assert check_module(WEEK).FORBIDDEN == {"pad_sequences": [], "lengths_to_mask": [], "masked_mean": [],
                                            "TextClassifier": [], "keras_lstm_to_torch": [], "checkpoint": []}


def test_a_different_architecture_passes_in_the_worker_process():
    """A layout unlike the reference's (no state dict to load) is graded on the invariances alone."""
    sample = next(s for s in samples(WEEK) if s.name == "correct_lstm_final_states")
    impl = SandboxedImplementation(reference_cells(WEEK, sample.definitions), forbidden_patterns(WEEK), warm_launcher())
    try:
        results = run_checks(WEEK, impl)
    finally:
        impl.close()
    # its checkpoint would come from its own training: the item is graded in tests/test_checkpoint_checks.py
    coded = {item: r for item, r in results.items() if item != "checkpoint"}
    assert all(r.passed for r in coded.values()), "\n".join(r.feedback for r in coded.values() if not r.passed)


def keras_lstm(x, kernel, recurrent_kernel, bias):
    """A Keras LSTM layer written out as Keras computes it: x (T, B, I) -> every step's h (T, B, H)."""
    hidden_size = recurrent_kernel.shape[0]
    h = c = x.new_zeros(x.shape[1], hidden_size)
    outputs = []
    for x_t in x:
        z = x_t @ kernel + h @ recurrent_kernel + bias                 # (B, 4H): gate blocks i, f, c, o
        i, f, g, o = z.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs)


def test_the_reference_keras_port_computes_what_keras_computes():
    """The oracle of keras_lstm_to_torch's checks, against the Keras recurrence itself (not against the reference)."""
    gen = torch.Generator().manual_seed(0)
    for input_size, hidden_size in [(3, 2), (1, 1), (8, 2), (5, 4)]:
        kernel, recurrent_kernel, bias = (torch.randn(*shape, generator=gen, dtype=torch.float64) for shape in
                                          [(input_size, 4 * hidden_size), (hidden_size, 4 * hidden_size),
                                           (4 * hidden_size,)])
        x = torch.randn(5, 3, input_size, generator=gen, dtype=torch.float64)
        lstm = nn.LSTM(input_size, hidden_size, dtype=torch.float64)
        lstm.load_state_dict(ref.keras_lstm_to_torch(kernel, recurrent_kernel, bias))
        with torch.no_grad():
            assert torch.allclose(lstm(x)[0], keras_lstm(x, kernel, recurrent_kernel, bias), atol=1e-12)
    converted = ref.keras_lstm_to_torch(*(t.float() for t in (kernel, recurrent_kernel, bias)))
    assert all(value.dtype == torch.float32 for value in converted.values())
