"""Work shared with one forked child: every piece once, the same results as one process, errors surface."""

import os
import threading

import numpy as np
import pytest

from cubenet.errors import CubenetError
from cubenet.run import processes


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(processes.os, "cpu_count", lambda: 2)
    monkeypatch.delenv("CUBENET_PROCESSES", raising=False)
    assert processes.forking_allowed(2), "the test needs the forking path"


def test_split_balances_cost_and_keeps_task_order():
    mine, theirs = processes.split([5, 1, 1, 1, 1, 1])
    assert sorted(mine + theirs) == list(range(6))
    assert mine == sorted(mine) and theirs == sorted(theirs)
    assert {sum([5, 1, 1, 1, 1, 1][i] for i in share) for share in (mine, theirs)} == {5}


def test_every_task_runs_once_and_some_in_a_child(two_cores):
    tasks = [lambda i=i: (i * i, os.getpid()) for i in range(7)]
    results = dict(processes.in_two(tasks))
    assert sorted(results) == list(range(7))
    assert [results[i][0] for i in range(7)] == [i * i for i in range(7)]
    pids = {pid for _, pid in results.values()}
    assert os.getpid() in pids and len(pids) == 2


def test_one_process_when_asked_or_when_threads_run(two_cores, monkeypatch):
    tasks = [os.getpid] * 4
    monkeypatch.setenv("CUBENET_PROCESSES", "1")
    assert {pid for _, pid in processes.in_two(tasks)} == {os.getpid()}
    monkeypatch.delenv("CUBENET_PROCESSES")
    platform = processes.sys.platform
    monkeypatch.setattr(processes.sys, "platform", "darwin")  # fork is not safe there once Accelerate has run
    assert not processes.forking_allowed(4)
    monkeypatch.setattr(processes.sys, "platform", platform)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not processes.forking_allowed(4)
        assert {pid for _, pid in processes.in_two(tasks)} == {os.getpid()}
    finally:
        stop.set()
        worker.join()


def test_shares_do_not_nest(two_cores):
    def inner():
        return {pid for _, pid in processes.in_two([os.getpid] * 3)}

    results = dict(processes.in_two([inner, inner]))
    for pids in results.values():
        assert len(pids) == 1  # neither the parent (busy sharing) nor the child forks again


def test_a_childs_error_is_raised_here(two_cores):
    def boom():
        raise CubenetError("task failed: fix the input")

    assert processes.split([10, 1]) == ([0], [1])  # the costliest task stays here, the next goes to the child
    with pytest.raises(CubenetError, match="task failed"):
        dict(processes.in_two([lambda: 1, boom], costs=[10, 1]))


def test_a_child_that_dies_gives_a_clear_error(two_cores):
    tasks = [lambda: 1, lambda: os._exit(3)]
    with pytest.raises(CubenetError, match="helper process stopped.*exit code 3.*CUBENET_PROCESSES=1"):
        dict(processes.in_two(tasks, costs=[10, 1]))


def test_layer_numbers_are_the_same_in_one_and_two_processes(two_cores, monkeypatch):
    from cubenet.data.cube import make_color_cube
    from cubenet.nn.train import TrainConfig
    from cubenet.run.experiment import Seeds, layer_numbers, run_experiment

    ds = make_color_cube(1200, twists=2, rng=0)
    exp = run_experiment(ds, (3, 8, 8, 6), TrainConfig(epochs=6), seed=0)
    two = layer_numbers(exp.model, ds, exp.history, Seeds(0))
    monkeypatch.setenv("CUBENET_PROCESSES", "1")
    one = layer_numbers(exp.model, ds, exp.history, Seeds(0))
    assert one == two
    assert np.array(two["layer_epochs"]["probe_accuracy"]).shape == (4, len(two["layer_epochs"]["epochs"]))


def test_cubenet_learn_shares_its_numbers_and_figures_with_a_child(two_cores, monkeypatch, cli, tmp_path):
    """The command shows its progress without a refresh thread, so nothing stops the sharing (a spinner
    thread once kept every run in one process)."""
    from cubenet.data.io import save
    from cubenet.data.planar import make_spirals

    seen = []
    original = processes.forking_allowed

    def spy(n_tasks):
        seen.append(original(n_tasks))
        return seen[-1]

    monkeypatch.setattr(processes, "forking_allowed", spy)
    save(make_spirals(400, rng=0), tmp_path / "s.npz")
    r = cli("learn", tmp_path / "s.npz", "--hidden", "6", "--epochs", "2", "-o", tmp_path / "run")
    assert r.exit_code == 0, r.output
    assert seen[:2] == [True, True]  # the per-layer numbers, then the figures (the explorer's epochs, drawn
    # while the figures are shared, stay in their process: shares do not nest)
