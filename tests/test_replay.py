"""The fast path of the hidden checks (autograder.replay): hypothesis' examples are recorded by the first run that
passes and replayed for later submissions, with the verdicts and feedback of hypothesis run in full."""
import inspect

import pytest

from autograder.checks.clauses import week_clauses
from autograder.implementation import LocalImplementation, SandboxedImplementation
from autograder.notebooks import reference_cells, weeks
from autograder import replay
from autograder.replay import ExampleBook
from autograder.runner import check_module, forbidden_patterns, run_checks
from autograder.samples import samples
from autograder.sandbox.launchers import Unsandboxed
from autograder.submitted_files import SubmittedFiles
from sandboxes import warm_launcher

pytestmark = pytest.mark.usefixtures("one_torch_thread")  # see tests/conftest.py


def grade(week, definitions=None, replay=True, items=None):
    impl = LocalImplementation.from_source(reference_cells(week, definitions), forbidden_patterns(week),
                                           SubmittedFiles.reference(week))
    return run_checks(week, impl, items=items, replay=replay)


def feedback(results):
    return {item: r.feedback for item, r in results.items()}


def hypothesis_checks(week):
    module = check_module(week)
    return [name for name, f in vars(module).items()
            if name.startswith("test_") and getattr(f, "is_hypothesis_test", False)]


def draws_in_the_body(week):
    """Checks that draw with st.data() inside their body: their examples depend on the run, so they are not
    replayed."""
    module = check_module(week)
    return [name for name in hypothesis_checks(week)
            if "data.draw" in inspect.getsource(inspect.unwrap(getattr(module, name)))]


@pytest.mark.parametrize("week", ["w01_rnn", "w05_conv1d"])
def test_the_reference_graded_again_replays_every_check(week):
    book = ExampleBook()
    first = grade(week, replay=book)
    replayable = len(hypothesis_checks(week)) - len(draws_in_the_body(week))
    assert book.recorded == len(book.examples) == replayable
    second = grade(week, replay=book)
    assert (book.replayed, book.handed_back) == (replayable, 0)
    assert feedback(second) == feedback(first)
    assert all(r.passed for r in second.values())


def test_examples_kept_on_disk_are_replayed_by_the_next_run(tmp_path, monkeypatch):
    """What the canary keeps (replay.save_examples) a later grading process reads back: every kept check is
    replayed from it, not recorded again, with the verdicts of the run that recorded them; a changed key, or an unreadable
    file, is never read (the next run records again)."""
    monkeypatch.setattr(replay, "CACHE", tmp_path)
    week = "w01_rnn"
    recorded = ExampleBook()
    first = grade(week, replay=recorded)
    replay.save_examples(recorded, week, check_module(week).__name__)
    kept = ExampleBook()
    assert replay.load_examples(kept, week)
    loaded = len(kept.examples)
    assert 0 < loaded <= len(recorded.examples)
    again = grade(week, replay=kept)  # what was not kept (test_what_pickle_would_change_is_not_kept) is recorded
    assert (kept.replayed, kept.handed_back, kept.recorded) == (loaded, 0, len(recorded.examples) - loaded)
    assert feedback(again) == feedback(first)
    wrong = next(s for s in samples(week) if s.name == "sigmoid_activation")
    assert feedback(grade(week, wrong.definitions, replay=kept)) == feedback(grade(week, wrong.definitions,
                                                                                  replay=False))

    replay.examples_key.cache_clear()
    monkeypatch.setattr(replay, "_SOURCES", (tmp_path,))  # as if the checks' sources had changed
    assert not replay.load_examples(ExampleBook(), week)
    replay.examples_key.cache_clear()
    monkeypatch.undo()
    monkeypatch.setattr(replay, "CACHE", tmp_path)
    path = replay._cache_path(week)
    path.write_bytes(b"not a pickle")
    assert not replay.load_examples(ExampleBook(), week)


def same(a, b):
    """Equal as a check would see them: tensors by type, dtype, shape, values (NaN too), requires_grad and grad."""
    import torch
    if isinstance(a, torch.Tensor):
        return (type(a) is type(b) and (a.dtype, a.shape, a.requires_grad) == (b.dtype, b.shape, b.requires_grad)
                and torch.equal(a.detach().nan_to_num(), b.detach().nan_to_num())
                and (a.grad is None and b.grad is None or a.grad is not None and b.grad is not None
                     and same(a.grad, b.grad)))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if hasattr(a, "__dataclass_fields__"):
        return type(a) is type(b) and same(vars(a), vars(b))
    return type(a) is type(b) and (a == b or (a != a and b != b))


@pytest.mark.parametrize("week", weeks())
def test_kept_examples_come_back_whole(week, tmp_path, monkeypatch):
    """Every example the canary keeps reads back exactly as recorded (a replay of a changed example could pass a
    wrong submission)."""
    from test_checks_of_checks import week_book
    monkeypatch.setattr(replay, "CACHE", tmp_path)
    recorded = week_book(week)
    replay.save_examples(recorded, week, check_module(week).__name__)
    kept = ExampleBook()
    assert replay.load_examples(kept, week)
    mine = {c for c in recorded.examples if c.startswith(check_module(week).__name__ + "::")}
    assert set(kept.examples) <= mine and len(kept.examples) >= len(mine) / 3
    assert all(same(kept.examples[c], recorded.examples[c]) for c in kept.examples)


def test_what_pickle_would_change_is_not_kept():
    """pickle drops a tensor's .grad and its own attributes: such examples are recorded again by each run (a kept
    w01 clip_grad_norm example without its grads passed a submission that always scales)."""
    import torch
    with_grad = torch.ones(2, requires_grad=True)
    with_grad.grad = torch.ones(2)
    tagged = torch.ones(2)
    tagged.note = "x"
    assert replay._keeps_across_pickle(((torch.ones(2), [1, 2.5, "a", None]), {"n": 3, "dtype": torch.float64}))
    assert not replay._keeps_across_pickle(((with_grad,), {}))
    assert not replay._keeps_across_pickle(((tagged,), {}))
    assert not replay._keeps_across_pickle(((torch.nn.Linear(1, 1),), {}))
    assert not replay._keeps_across_pickle(((), {"gen": (x for x in [])}))


@pytest.mark.parametrize("week", weeks())
def test_a_failed_replay_gets_the_feedback_of_hypothesis_in_full(week):
    """Hypothesis finds the failure again from the check's start and shrinks it to the same smallest example."""
    book = ExampleBook()
    grade(week, replay=book)
    replayed = set(hypothesis_checks(week)) - set(draws_in_the_body(week))
    # a sample that breaks a replayed check (not by a forbidden built-in: the guard fails those after a replay)
    name = next(c.sample for c in week_clauses(week) if c.check in replayed and "forbidden" not in c.promise)
    sample = next(s for s in samples(week) if s.name == name)
    fast = grade(week, sample.definitions, replay=book)
    assert book.handed_back >= 1
    assert feedback(fast) == feedback(grade(week, sample.definitions, replay=False))


LOOPS = {
    "always": "def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):\n    while True:\n        pass",
    "on a batch of three": (
        "import torch\n"
        "def rnn_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):\n"
        "    while x.shape[0] == 3:\n"
        "        pass\n"
        "    out = x @ weight_ih.T + h @ weight_hh.T\n"
        "    if bias_ih is not None:\n"
        "        out = out + bias_ih + bias_hh\n"
        "    return torch.tanh(out)"),
}


@pytest.mark.slow
@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_a_call_that_runs_out_of_time_in_a_replay_gets_the_same_feedback(loop):
    """The worker is stopped on CPU time; after a failed first example the rest of the check fails at once, as in
    hypothesis' own run, and a later example's timeout is judged by hypothesis from the start."""
    week = "w01_rnn"
    book = ExampleBook()
    grade(week, replay=book, items=["rnn_cell"])

    def sandboxed(replay):
        impl = SandboxedImplementation(reference_cells(week, {"rnn_cell": LOOPS[loop]}), forbidden_patterns(week),
                                       warm_launcher(), call_timeout=1, cell_timeout=10)
        try:
            return run_checks(week, impl, items=["rnn_cell"], replay=replay)["rnn_cell"]
        finally:
            impl.close()

    fast, full = sandboxed(book), sandboxed(False)
    assert not fast.passed and "did not finish within 1 s of CPU time" in fast.feedback
    assert fast.feedback == full.feedback


# -- the reference's answers, handed to the worker --------------------------------------------------------------

ANSWER_SAMPLES = {  # correct code that asks other questions, mistakes around the questions
    "w03_gru": ["correct_einsum_float64", "gru_cell_gate_order_zrn", "gru_reverse_reads_forward"],
    "w04_embedding": ["ngram_embedding_default_n_range", "ngrams_without_markers"],
}


def graded_in_a_worker(week, definitions, answers, book, record=False):
    launcher = warm_launcher()
    impl = SandboxedImplementation(reference_cells(week, definitions), forbidden_patterns(week), launcher,
                                   files=SubmittedFiles.reference(week), answers=answers, record_answers=record)
    try:
        results = run_checks(week, impl, replay=book)
    finally:
        impl.close()
    return feedback(results), impl.cell_errors, impl.questions_answered


@pytest.mark.slow
@pytest.mark.parametrize("week", sorted(ANSWER_SAMPLES))
def test_the_references_answers_in_the_worker_give_the_verdicts_of_asking_the_grader(week):
    """The canary records the grader's answers to the questions the reference's code asks (GRU calls gru_cell,
    NgramEmbedding calls char_ngrams); a later worker answers the same questions itself. The same feedback, word for
    word, as a worker that asks the grader every time; a question the reference never asked still reaches it."""
    answers, book = {}, ExampleBook()  # recorded by the reference's run, as the canary records both
    reference, _, asked = graded_in_a_worker(week, {}, answers, book, record=True)
    assert asked > 100 and sum(map(len, answers.values())) > 100
    shipped, _, asked = graded_in_a_worker(week, {}, answers, book)
    assert shipped == reference and asked == 0
    by_name = {s.name: s for s in samples(week)}
    asked_anyway = 0
    for name in ANSWER_SAMPLES[week]:
        definitions = by_name[name].definitions
        fast = graded_in_a_worker(week, definitions, answers, book)
        asking = graded_in_a_worker(week, definitions, None, book)
        assert fast[:2] == asking[:2], name
        assert fast[2] <= asking[2], name
        asked_anyway += fast[2]
    assert asked_anyway > 0, "a sample asks questions the reference did not: they reach the grader"


def test_a_worker_gets_only_the_current_checks_answers_in_no_telling_order():
    impl = SandboxedImplementation([], [], Unsandboxed(), answers={"a": {"ff": b"late", "00": b"early"},
                                                                   "b": {"11": b"other"}})
    impl.begin_check("a")
    header, tensors = impl._with_answers({"op": "call"}, {"t0": None})
    assert [key for key, _ in header["answers"]] == ["00", "ff"]
    assert {k: bytes(t.numpy()) for k, t in tensors.items() if k != "t0"} == {"a0": b"early", "a1": b"late"}
    impl.begin_check("c")
    header, tensors = impl._with_answers({"op": "call"}, {})
    assert header["answers"] == [] and tensors == {}
