"""Week-specific checks of the week-2 hidden checks (the generic ones: tests/test_checks_of_checks.py): classic
mistakes, written as edits of the reference, fail the item they break with feedback that says where and why,
other correct solutions pass, and forbidden built-ins score zero with a message naming the call."""
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

import solutions.w02_lstm
from autograder.implementation import LocalImplementation
from autograder.runner import check_module, forbidden_patterns, run_checks

WEEK = "w02_lstm"
ITEMS = ["lstm_gates", "lstm_cell", "LSTMCell", "LSTM"]
REFERENCE = Path(solutions.w02_lstm.__file__).read_text()
# Items that call an item (directly or not): they are checked with the reference's in its place.
USERS = {"lstm_gates": {"lstm_cell", "LSTMCell", "LSTM"}, "lstm_cell": {"LSTMCell", "LSTM"},
         "LSTMCell": set(), "LSTM": set()}


pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


def grade(source, override=None):
    """Grade the reference source (possibly edited) plus an optional cell of definitions run after it."""
    cells = [("solution", source)] + ([("override", textwrap.dedent(override))] if override else [])
    impl = LocalImplementation.from_source(cells, forbidden_patterns(WEEK))
    assert not impl.cell_errors, impl.cell_errors
    return run_checks(WEEK, impl)


def replaced(old, new):
    """The reference with one exact snippet replaced (it must occur exactly once)."""
    assert REFERENCE.count(old) == 1, f"the reference no longer contains exactly one {old!r}"
    return REFERENCE.replace(old, new)


def assert_all_passed(results):
    assert list(results) == ITEMS
    for item, result in results.items():
        assert result.checks, f"no checks ran for {item}"
        assert result.passed, result.feedback
        assert all(c.outcome == "passed" for c in result.checks), result.feedback


# --------------------------------------------------------------------------- the check module itself
# (layout, the reference, the samples: tests/test_checks_of_checks.py)


def test_every_item_forbids_the_lstm_built_ins():
    for patterns in check_module(WEEK).FORBIDDEN.values():
        assert patterns == ["torch.nn.LSTM*", "torch.lstm*"]


# --------------------------------------------------------------------------- correct variants

PER_GATE_SLICES = """
def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.dim() != 2 or h.dim() != 2:
        raise ValueError("x and h must be 2-D")
    H = h.shape[1]

    def gate(k, activation):
        rows = slice(k * H, (k + 1) * H)
        pre = x @ weight_ih[rows].T + h @ weight_hh[rows].T
        if bias_ih is not None:
            pre = pre + bias_ih[rows] + bias_hh[rows]
        return activation(pre)

    return gate(0, torch.sigmoid), gate(1, torch.sigmoid), gate(2, torch.tanh), gate(3, torch.sigmoid)
"""

EINSUM = """
def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if len(x.shape) != 2 or len(h.shape) != 2:
        raise ValueError(f"expected (batch, features) inputs, got {tuple(x.shape)} and {tuple(h.shape)}")
    pre = torch.einsum("bi,gi->bg", x, weight_ih) + torch.einsum("bj,gj->bg", h, weight_hh)
    if bias_ih is not None:
        pre = pre + (bias_ih + bias_hh)
    i, f, g, o = torch.split(pre, h.shape[1], dim=-1)
    sigmoid = lambda z: 1 / (1 + torch.exp(-z))
    return sigmoid(i), sigmoid(f), 2 * sigmoid(2 * g) - 1, sigmoid(o)


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)
    c_new = torch.addcmul(f * c, i, g)
    return torch.einsum("bh,bh->bh", o, torch.tanh(c_new)), c_new
"""

FLOAT64_INSIDE = """
def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    if x.ndim != 2 or h.ndim != 2:
        raise ValueError("x and h must be 2-D")
    d = lambda t: None if t is None else t.to(torch.float64)
    x64, h64, wi, wh, bi, bh = map(d, (x, h, weight_ih, weight_hh, bias_ih, bias_hh))
    pre = torch.nn.functional.linear(x64, wi, bi) + torch.nn.functional.linear(h64, wh, bh)
    chunks = pre.chunk(4, dim=1)
    gates = [torch.sigmoid(chunks[0]), torch.sigmoid(chunks[1]), torch.tanh(chunks[2]), torch.sigmoid(chunks[3])]
    return tuple(g.to(x.dtype) for g in gates)


def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    i, f, g, o = (t.double() for t in lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh))
    c_new = f * c.double() + i * g
    return (o * c_new.tanh()).to(x.dtype), c_new.to(x.dtype)
"""

LOOPS_OVER_BATCH = """
def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    h, c = state
    hs, cs = [], []
    for b in range(x.shape[0]):
        i, f, g, o = lstm_gates(x[b:b + 1], h[b:b + 1], weight_ih, weight_hh, bias_ih, bias_hh)
        c_b = f * c[b:b + 1] + i * g
        hs.append(o * torch.tanh(c_b))
        cs.append(c_b)
    return torch.cat(hs), torch.cat(cs)


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.hidden_size = hidden_size
        k = hidden_size ** -0.5
        self.weight_ih = nn.Parameter(torch.rand(4 * hidden_size, input_size) * 2 * k - k)
        self.weight_hh = nn.Parameter(torch.rand(4 * hidden_size, hidden_size) * 2 * k - k)
        self.bias_ih = nn.Parameter(torch.zeros(4 * hidden_size)) if bias else None
        self.bias_hh = nn.Parameter(torch.zeros(4 * hidden_size)) if bias else None

    def forward(self, x, state=None):
        if state is None:
            state = (torch.zeros(len(x), self.hidden_size, dtype=x.dtype),) * 2
        return lstm_cell(x, state, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)


class LSTM(nn.Module):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__()
        self.hidden_size, self.batch_first = hidden_size, batch_first
        self.weight_ih_l0 = nn.Parameter(torch.randn(4 * hidden_size, input_size))
        self.weight_hh_l0 = nn.Parameter(torch.randn(4 * hidden_size, hidden_size))
        self.bias_ih_l0 = nn.Parameter(torch.randn(4 * hidden_size))
        self.bias_hh_l0 = nn.Parameter(torch.randn(4 * hidden_size))

    def forward(self, x, state=None):
        xs = x.permute(1, 0, 2) if self.batch_first else x
        if state is None:
            zeros = torch.zeros(1, xs.shape[1], self.hidden_size, dtype=x.dtype)
            state = (zeros, zeros)
        h, c = state[0].squeeze(0), state[1].squeeze(0)
        steps = []
        for x_t in xs.unbind(0):
            h, c = lstm_cell(x_t, (h, c), self.weight_ih_l0, self.weight_hh_l0, self.bias_ih_l0, self.bias_hh_l0)
            steps.append(h.unsqueeze(1 if self.batch_first else 0))
        return torch.cat(steps, dim=1 if self.batch_first else 0), (h[None], c[None])
"""


@pytest.mark.parametrize("override", [PER_GATE_SLICES, EINSUM, FLOAT64_INSIDE, LOOPS_OVER_BATCH],
                         ids=["per-gate-weight-slices", "einsum", "float64-inside", "loops-over-batch"])
def test_other_correct_solutions_pass(override):
    assert_all_passed(grade(REFERENCE, override))


# --------------------------------------------------------------------------- wrong variants


@dataclass
class Wrong:
    id: str
    item: str  # the item it breaks
    phrases: tuple  # each must appear in that item's feedback
    source: str = ""
    override: str = None


TRANSPOSED_PER_GATE = """
def lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh):
    H = h.shape[1]
    gates = []
    for k, act in enumerate([torch.sigmoid, torch.sigmoid, torch.tanh, torch.sigmoid]):
        rows = slice(k * H, (k + 1) * H)
        gates.append(act(x @ weight_ih[rows].T + h @ weight_hh[rows] + bias_ih[rows] + bias_hh[rows]))
    return tuple(gates)
"""

# the argument checks at the top of the reference lstm_gates (it raises ValueError for bad ranks and sizes)
GATES_INPUT_CHECKS = REFERENCE[REFERENCE.index("    if x.dim() != 2 or h.dim() != 2:\n"):
                               REFERENCE.index("    gates = x @ weight_ih.T + h @ weight_hh.T")]

LSTM_SUBCLASS_WITHOUT_STATE = """
class LSTM(LSTM):
    def forward(self, x, state=None):
        return super().forward(x)
"""

WRONG = [
    Wrong("gate-order-i-f-o-g", "lstm_gates", ("gate g (index 2)", "(i, f, g, o)", "o the fourth"),
          replaced("i, f, g, o = gates.chunk(4, dim=1)", "i, f, o, g = gates.chunk(4, dim=1)")),
    Wrong("gate-order-f-i-g-o", "lstm_gates", ("gate i (index 0)", "i is the first block"),
          replaced("i, f, g, o = gates.chunk(4, dim=1)", "f, i, g, o = gates.chunk(4, dim=1)")),
    Wrong("returned-in-order-i-f-o-g", "lstm_gates", ("gate g (index 2)", "return the gates in the order"),
          replaced("torch.tanh(g), torch.sigmoid(o)", "torch.sigmoid(o), torch.tanh(g)")),
    Wrong("sigmoid-for-g", "lstm_gates", ("gate g (index 2)", "uses tanh, not sigmoid"),
          replaced("torch.tanh(g), torch.sigmoid(o)", "torch.sigmoid(g), torch.sigmoid(o)")),
    Wrong("tanh-for-o", "lstm_gates", ("gate o (index 3)", "o is a gate: use sigmoid, not tanh"),
          replaced("torch.tanh(g), torch.sigmoid(o)", "torch.tanh(g), torch.tanh(o)")),
    Wrong("missing-bias-hh", "lstm_gates", ("gate i (index 0)", "add bias_hh too"),
          replaced("gates = gates + bias_hh", "pass")),
    Wrong("missing-h-prev", "lstm_gates", ("previous hidden state",),
          replaced("gates = x @ weight_ih.T + h @ weight_hh.T", "gates = x @ weight_ih.T")),
    Wrong("reshape-instead-of-transpose", "lstm_gates", ("not .view or .reshape",),
          replaced("gates = x @ weight_ih.T + h @ weight_hh.T",
                   "gates = x @ weight_ih.reshape(x.shape[1], -1) + h @ weight_hh.reshape(h.shape[1], -1)")),
    Wrong("transposed-per-gate-weights", "lstm_gates", ("(out_features, in_features)", "h @ W.T"),
          REFERENCE, TRANSPOSED_PER_GATE),
    Wrong("gates-stacked-into-one-tensor", "lstm_gates", ("should return the four gates", "return i, f, g, o"),
          replaced("return torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)",
                   "return torch.cat([torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)], 1)")),
    Wrong("c-new-without-input-gate", "lstm_cell", ("c_new (the second result)", "the input gate i scales g"),
          replaced("c_new = f * c + i * g", "c_new = f * c + g")),
    Wrong("h-new-without-tanh", "lstm_cell", ("h_new (the first result)", "apply tanh to the new cell state"),
          replaced("h_new = o * torch.tanh(c_new)", "h_new = o * c_new")),
    Wrong("h-new-tanh-of-o-times-c", "lstm_cell", ("h_new (the first result)", "tanh goes on c_new alone"),
          replaced("h_new = o * torch.tanh(c_new)", "h_new = torch.tanh(o * c_new)")),
    Wrong("cell-returns-c-then-h", "lstm_cell", ("return (h_new, c_new) in that order",),
          replaced("return h_new, c_new", "return c_new, h_new")),
    Wrong("lstmcell-ignores-given-state", "LSTMCell", ("start from the given state (h, c)",),
          replaced("if state is None:\n            zeros", "if True:\n            zeros")),
    Wrong("lstmcell-ignores-bias-false", "LSTMCell", ("state_dict keys", "bias=False"),
          replaced("        if bias:\n", "        if True:\n")),
    Wrong("lstm-ignores-batch-first", "LSTM", ("batch_first=True", "step t is x[:, t]"),
          replaced("if self.batch_first:\n            x = x.transpose(0, 1)", "if False:\n            pass")
          .replace("if self.batch_first:\n            output", "if False:\n            output")),
    Wrong("lstm-state-without-layer-dim", "LSTM", ("h_n of", "keep the layer dimension", "(1, batch, hidden_size)"),
          replaced("return output, (h.unsqueeze(0), c.unsqueeze(0))", "return output, (h, c)")),
    Wrong("lstm-ignores-given-state", "LSTM", ("(h0, c0)", "start from the given state (h0, c0)"),
          REFERENCE, LSTM_SUBCLASS_WITHOUT_STATE),
    Wrong("lstm-detaches-state-between-steps", "LSTM", ("gradient", "gradients must flow back through time"),
          replaced("(h, c), self.weight_ih_l0", "(h.detach(), c.detach()), self.weight_ih_l0")),
    Wrong("gates-add-none-biases", "lstm_gates", ("None, None)", "bias_ih and bias_hh may be None"),
          replaced("    if bias_ih is not None:\n        gates = gates + bias_ih\n"
                   "    if bias_hh is not None:\n        gates = gates + bias_hh\n",
                   "    gates = gates + bias_ih + bias_hh\n")),
    Wrong("gates-skip-bias-hh-when-bias-ih-is-none-only", "lstm_gates", ("None, None)",),
          replaced("    if bias_hh is not None:\n        gates = gates + bias_hh\n",
                   "    gates = gates + bias_hh\n")),
    Wrong("gates-without-input-checks", "lstm_gates", ("should raise ValueError", "x.dim() and h.dim()"),
          replaced(GATES_INPUT_CHECKS, "    hidden_size = h.shape[1]\n")),
    Wrong("gates-computed-in-float64", "lstm_gates", ("float32", "returns the wrong dtype"),
          replaced("gates = x @ weight_ih.T + h @ weight_hh.T",
                   "gates = x.double() @ weight_ih.double().T + h.double() @ weight_hh.double().T")),
    Wrong("cell-returns-float64", "lstm_cell", ("float32", "returns the wrong dtype"),
          replaced("return h_new, c_new", "return h_new.double(), c_new.double()")),
    Wrong("lstmcell-zeros-in-default-dtype", "LSTMCell", ("(x, None)", "zeros of x's dtype"),
          replaced("zeros = x.new_zeros(x.shape[0], self.hidden_size)",
                   "zeros = torch.zeros(x.shape[0], self.hidden_size)")),
    Wrong("lstm-zeros-in-float64", "LSTM", ("float32", "zeros of x's dtype"),
          replaced("h = c = x.new_zeros(batch, self.hidden_size)",
                   "h = c = torch.zeros(batch, self.hidden_size, dtype=torch.float64)")),
]


@pytest.mark.parametrize("wrong", WRONG, ids=[w.id for w in WRONG])
def test_classic_mistake_fails_its_item_with_a_telling_hint(wrong):
    results = grade(wrong.source, wrong.override)
    broken = results[wrong.item]
    assert not broken.passed
    assert broken.failures, broken.feedback
    for phrase in wrong.phrases:
        assert phrase in broken.feedback, f"{phrase!r} not in:\n{broken.feedback}"
    # The feedback shows one failure in full and says which checks did not run.
    assert sum(c.outcome == "failed" for c in broken.checks) == 1, broken.feedback
    # Every other item passes, those that build on the broken one too (checked with the reference's): the mistake
    # is charged once, where it is made.
    for item in ITEMS:
        if item != wrong.item:
            assert results[item].passed, results[item].feedback


def test_gates_that_fail_on_none_biases_lose_their_own_points_only():
    """Issue 12: lstm_gates and lstm_cell promise that the biases may be None. Gates that cannot take None lose
    their own points (a check with None biases). Issue 14: lstm_cell and LSTMCell(bias=False), which call them, are
    checked with the reference gates and keep theirs; their feedback names the gates as what to fix."""
    results = grade(replaced("    if bias_ih is not None:\n        gates = gates + bias_ih\n"
                             "    if bias_hh is not None:\n        gates = gates + bias_hh\n",
                             "    gates = gates + bias_ih + bias_hh\n"))
    assert {item for item, r in results.items() if not r.passed} == {"lstm_gates"}
    assert "bias_ih and bias_hh may be None" in results["lstm_gates"].feedback
    assert "lstm_gates accepts bias_ih = bias_hh = None" in results["lstm_gates"].failures[0].name
    for user in ("lstm_cell", "LSTMCell", "LSTM"):
        assert "checked with the reference lstm_gates in place of yours" in results[user].feedback


def test_a_cell_that_fails_on_none_biases_loses_lstm_cell_only():
    """The same promise, broken in lstm_cell alone (its own step, with both biases always added)."""
    results = grade(replaced("    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih, bias_hh)\n",
                             "    i, f, g, o = lstm_gates(x, h, weight_ih, weight_hh, bias_ih + 0, bias_hh + 0)\n"))
    assert {item for item, r in results.items() if not r.passed} == {"lstm_cell"}
    assert "lstm_cell accepts bias_ih = bias_hh = None" in results["lstm_cell"].failures[0].name
    assert "bias_ih and bias_hh may be None" in results["lstm_cell"].feedback
    assert "checked with the reference lstm_cell in place of yours" in results["LSTMCell"].feedback


# --------------------------------------------------------------------------- forbidden built-ins

TORCH_LSTM_CELL = """
def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    return torch.lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh)
"""

NN_LSTM_CELL = """
def lstm_cell(x, state, weight_ih, weight_hh, bias_ih, bias_hh):
    cell = nn.LSTMCell(x.shape[1], state[0].shape[1], bias=bias_ih is not None)
    params = {"weight_ih": weight_ih, "weight_hh": weight_hh}
    if bias_ih is not None:
        params.update(bias_ih=bias_ih, bias_hh=bias_hh)
    return torch.func.functional_call(cell, params, (x, tuple(state)))
"""

NN_LSTM_SUBCLASS = """
class LSTM(nn.LSTM):
    def __init__(self, input_size, hidden_size, batch_first=False):
        super().__init__(input_size, hidden_size, batch_first=batch_first)
"""


def uses_line(result, item):
    """The calls named by the forbidden-use message, e.g. "torch.lstm, torch.nn.LSTM"."""
    lines = [l.strip() for l in result.feedback.splitlines() if l.strip().startswith(f"{item} uses ")]
    assert len(lines) == 1, result.feedback
    return lines[0].removeprefix(f"{item} uses ").split(", a built-in")[0].split(", ")


@pytest.mark.parametrize("override,item,call", [
    (TORCH_LSTM_CELL, "lstm_cell", "torch.lstm_cell"),
    (NN_LSTM_CELL, "lstm_cell", "torch.nn.LSTMCell"),
    (NN_LSTM_SUBCLASS, "LSTM", "torch.nn.LSTM"),
], ids=["torch.lstm_cell", "nn.LSTMCell-inside-lstm_cell", "subclass-of-nn.LSTM"])
def test_forbidden_builtin_scores_zero_and_names_the_call(override, item, call):
    results = grade(REFERENCE, override)
    result = results[item]
    assert not result.passed
    assert not any(c.outcome == "passed" for c in result.checks), result.feedback
    assert call in uses_line(result, item), result.feedback
    assert "a built-in this exercise asks you to write yourself" in result.feedback
    # The items calling the forbidden one are checked with the reference's (a mistake is charged once) ...
    for user in USERS[item]:
        assert results[user].passed and f"the reference {item} in place of yours" in results[user].feedback
    # ... and the others keep their points.
    for other in set(ITEMS) - {item}:
        assert results[other].passed, results[other].feedback
