"""``cubenet puzzles …``: the workshop — make a workspace, read and check puzzles, hints, watch, reset, progress."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from cubenet.cli.common import command, console

puzzles_app = typer.Typer(
    name="puzzles", no_args_is_help=True, rich_markup_mode="rich",
    help="The workshop: puzzles that make 'a network is moves that unscramble' concrete, checked kindly.\n\n"
         "Start with: [bold]cubenet puzzles init my-puzzles[/bold], then [bold]cd my-puzzles[/bold] and "
         "[bold]cubenet puzzles watch[/bold].",
)

Dir = Annotated[Optional[Path], typer.Option("--dir", "-d", help="The workspace folder (default: the one you are in).",
                                             show_default=False)]
Number = Annotated[Optional[str], typer.Argument(help="Puzzle number (or its name, e.g. twist-matrix); default: the "
                                                      "puzzle whose folder you are in, else the first one not yet "
                                                      "passed.", show_default=False)]

#: how each check status reads to a learner
VERDICTS = {
    "pass": "passed", "fail": "not yet", "shape": "not yet: wrong type, shape or dtype",
    "syntax": "Python cannot read the file", "error": "your code raised an error", "missing": "a name is missing",
    "forbidden": "not allowed in this puzzle", "peeked": "reached for the checker's reference (never a pass)",
    "timeout": "too slow", "flood": "far too much output", "crash": "the check crashed",
    "internal": "the checker itself failed",
}
STARS = "★★★★★"


def _load(folder: Optional[Path]):
    """(workspace, puzzles, progress)."""
    from cubenet.workshop.puzzles import find_workspace, load_progress, load_puzzles

    ws = find_workspace(folder)
    return ws, load_puzzles(), load_progress(ws)


def _pick(number: Optional[str], puzzles, progress, ws, folder: Optional[Path]):
    """The named puzzle; else the one whose folder you are in (or --dir points into); else the first not passed."""
    from cubenet.errors import CubenetError
    from cubenet.workshop.puzzles import current_puzzle, find_puzzle, puzzle_here

    if number is not None:
        return find_puzzle(number, puzzles)
    here = puzzle_here(ws, puzzles, folder)
    if here is not None:
        return here
    puzzle = current_puzzle(progress, puzzles)
    if puzzle is None:
        raise CubenetError(f"every puzzle is passed already; name one, e.g. 'cubenet puzzles check "
                           f"{puzzles[-1].number}'")
    return puzzle


def _label(p) -> str:
    return f"{p.number:02d} {p.title}"


def _best(score, par) -> str:
    return f" (best {score} parameters" + (f", par {par})" if par is not None else ")")


def _difficulty(p) -> str:
    return STARS[: p.difficulty] + "☆" * (5 - p.difficulty)


def init(
    folder: Annotated[Path, typer.Argument(help="New (or empty) folder for the workspace.")] = Path("cubenet-puzzles"),
):
    """Create a clean learner workspace: every puzzle's statement and stub (answer.py), a README, progress.json.

    Example: [bold]cubenet puzzles init my-puzzles[/bold]
    """
    from cubenet.workshop.puzzles import init_workspace, load_puzzles

    puzzles = load_puzzles()
    ws = init_workspace(folder, puzzles)
    out = console()
    minutes = sum(p.minutes for p in puzzles)
    out.print(f"[bold]{ws.root}[/bold]: {len(puzzles)} puzzles, about {minutes} minutes in all.")
    out.print(f"  cd {ws.root}\n  cubenet puzzles show 1      # read the first puzzle\n"
              f"  cubenet puzzles watch       # re-checks every time you save answer.py")


def list_(folder: Dir = None):
    """List the puzzles with difficulty, time and your progress (✓ passed, ✗ tried, ▶ next).

    Example: [bold]cubenet puzzles list[/bold]
    """
    from rich.table import Table

    from cubenet.workshop.puzzles import current_puzzle, entry

    ws, puzzles, progress = _load(folder)
    now = current_puzzle(progress, puzzles)
    table = Table(title=f"cubenet puzzles in {ws.root}")
    for col in ("", "#", "puzzle", "kind", "difficulty", "min"):
        table.add_column(col)
    for p in puzzles:
        e = entry(progress, p)
        mark = {"passed": "[green]✓[/green]", "tried": "[red]✗[/red]"}.get(e["status"], "·")
        if p is now:
            mark = "[bold]▶[/bold]"
        title = p.title + (_best(e["best_score"], p.par) if e["best_score"] is not None else "")
        table.add_row(mark, f"{p.number:02d}", title, p.kind, _difficulty(p), str(p.minutes))
    console().print(table)


def show(number: Number = None, folder: Dir = None):
    """Show a puzzle's statement and where your answer goes.

    Example: [bold]cubenet puzzles show 3[/bold]
    """
    from rich.markdown import Markdown

    ws, puzzles, progress = _load(folder)
    p = _pick(number, puzzles, progress, ws, folder)
    out = console()
    out.print(Markdown(p.statement))
    out.print(f"\n[bold]Your file:[/bold] {ws.answer(p)}   ({_difficulty(p)}, about {p.minutes} min)", highlight=False)
    out.print(f"[bold]Concepts:[/bold] {'; '.join(p.concepts)}", markup=True)
    if p.image:
        out.print(f"[bold]Picture:[/bold] {ws.folder(p) / p.image}")
    out.print(f"Check with [bold]cubenet puzzles check {p.number}[/bold]; "
              f"stuck? [bold]cubenet puzzles hint {p.number}[/bold]")


def _indented(text: str, indent: int = 2, style: str = ""):
    """Plain text (never markup), wrapped with a hanging indent."""
    from rich.padding import Padding
    from rich.text import Text

    return Padding(Text(text, style=style), (0, 0, 0, indent))


def _print_result(result, puzzle, *, brief: bool = False) -> None:
    from rich.text import Text

    out = console()
    ok = result.passed
    head = Text(("✓ " if ok else "✗ ") + _label(puzzle) + " — " + VERDICTS.get(result.status, result.status),
                style="bold green" if ok else "bold red")
    head.append(f"  ({result.seconds:.1f} s)", style="dim")
    out.print(head)
    lines = result.message.splitlines() or [""]
    out.print(_indented("\n".join(lines[:1] if brief else lines)))
    if brief:
        return
    for d in result.details:
        out.print(_indented(d, 4, "dim"))
    if result.output:
        out.print(_indented("your code printed:", 2, "dim"))
        out.print(_indented(result.output, 4, "dim"))
    if result.feedback:
        out.print(_indented(f"picture: {result.feedback}"))
    if not ok:
        out.print(_indented(f"Stuck? cubenet puzzles hint {puzzle.number}", 2, "dim"))


def _check_one(ws, puzzle, progress, *, brief: bool = False):
    """Check one puzzle of the workspace, print the result, return (result, new progress)."""
    from cubenet.errors import CubenetError
    from cubenet.workshop.checker import check_answer
    from cubenet.workshop.puzzles import mark_peeked, record_check

    answer = ws.answer(puzzle)
    if not answer.is_file():
        raise CubenetError(f"{answer} is missing; get a fresh one with 'cubenet puzzles reset {puzzle.number}'")
    result = check_answer(puzzle, answer, feedback_dir=ws.folder(puzzle))
    _print_result(result, puzzle, brief=brief)
    progress = record_check(progress, puzzle, result.passed, result.score)
    if result.status == "peeked":
        progress = mark_peeked(progress, puzzle)
    return result, progress


def check(
    number: Number = None,
    all_: Annotated[bool, typer.Option("--all", help="Check every puzzle (exit 0 only if all pass).")] = False,
    file: Annotated[Optional[Path], typer.Option("--file", help="Check this file instead of the workspace's answer.py "
                                                 "(progress is not changed; a data puzzle's feedback.png is written "
                                                 "beside it); needs a puzzle number.",
                                                 show_default=False)] = None,
    folder: Dir = None,
):
    """Check your answer: behaviour on hidden tests, never the text. Exit code 0 only if it passes.

    Example: [bold]cubenet puzzles check 3[/bold]   or   [bold]cubenet puzzles check --all[/bold]
    """
    from cubenet.errors import CubenetError
    from cubenet.workshop.puzzles import current_puzzle, find_puzzle, load_puzzles, save_progress

    if file is not None:
        if number is None or all_:
            raise typer.BadParameter("--file needs one puzzle number, e.g. 'check 3 --file mine.py'",
                                     param_hint="--file")
        if not file.is_file():
            raise CubenetError(f"no file {str(file)!r}")
        from cubenet.workshop.checker import check_answer

        puzzle = find_puzzle(number, load_puzzles())
        result = check_answer(puzzle, file, feedback_dir=file.resolve().parent)  # feedback.png beside the file
        _print_result(result, puzzle)
        raise typer.Exit(0 if result.passed else 1)
    if all_ and number is not None:
        raise typer.BadParameter("give a puzzle number or --all, not both", param_hint="--all")
    ws, puzzles, progress = _load(folder)
    chosen = puzzles if all_ else [_pick(number, puzzles, progress, ws, folder)]
    passed = 0
    for p in chosen:
        result, progress = _check_one(ws, p, progress, brief=all_)
        save_progress(ws, progress)
        passed += result.passed
    out = console()
    if all_:
        out.print(f"[bold]{passed} of {len(chosen)} puzzles pass.[/bold]")
    elif passed:
        nxt = current_puzzle(progress, puzzles)
        out.print(f"  Next: {_label(nxt)}  →  cubenet puzzles show {nxt.number}" if nxt else
                  "  [bold]Every puzzle passed. Well done![/bold]")
    raise typer.Exit(0 if passed == len(chosen) else 1)


def hint(number: Number = None, folder: Dir = None):
    """Show the next hint for a puzzle (gentlest first; each call shows one more).

    Example: [bold]cubenet puzzles hint 3[/bold]
    """
    from cubenet.workshop.puzzles import next_hint, save_progress

    ws, puzzles, progress = _load(folder)
    p = _pick(number, puzzles, progress, ws, folder)
    k, text, progress = next_hint(progress, p)
    save_progress(ws, progress)
    out = console()
    out.print(f"[bold]Hint {k} of {len(p.hints)}[/bold] for {_label(p)}:")
    out.print(_indented(text))
    if k == len(p.hints):
        out.print(_indented(f"(That was the last hint. After a pass, 'cubenet puzzles solution {p.number}' shows the "
                            f"reference.)", 2, "dim"))


def _next_after(puzzle, puzzles, progress):
    from cubenet.workshop.puzzles import is_passed

    later = [p for p in puzzles if p.number > puzzle.number and not is_passed(progress, p)]
    return later[0] if later else next((p for p in puzzles if not is_passed(progress, p)), None)


def watch(
    number: Number = None,
    interval: Annotated[float, typer.Option(help="Seconds between looks at the file.", min=0.05)] = 1.0,
    max_checks: Annotated[int, typer.Option(hidden=True, help="Stop after this many checks (0: never).")] = 0,
    folder: Dir = None,
):
    """Re-check a puzzle every time you save its answer.py. Ctrl-C stops.

    Without a number it walks the unpassed puzzles in order; name one (or start it in its folder) to stay on it.

    Example: [bold]cubenet puzzles watch[/bold]   or   [bold]cubenet puzzles watch golf-cube[/bold]
    """
    from cubenet.workshop.puzzles import puzzle_here, save_progress

    ws, puzzles, progress = _load(folder)
    puzzle = _pick(number, puzzles, progress, ws, folder)
    follow = number is None and puzzle_here(ws, puzzles, folder) is None  # move on after a pass
    out = console()
    seen, checks = None, 0
    try:
        while puzzle is not None:
            stamp = ws.answer(puzzle).stat().st_mtime_ns if ws.answer(puzzle).exists() else None
            if stamp != seen:
                if seen is None:
                    out.print(f"[bold]Watching {ws.answer(puzzle)}[/bold] — save it to re-check; Ctrl-C stops.")
                seen = stamp
                result, progress = _check_one(ws, puzzle, progress)
                save_progress(ws, progress)
                checks += 1
                if result.passed and follow:
                    puzzle, seen = _next_after(puzzle, puzzles, progress), None
                    if puzzle is not None:
                        out.print(f"\n[bold]Next: {_label(puzzle)}[/bold] — cubenet puzzles show {puzzle.number}")
                    continue
                if result.passed:
                    out.print(f"  Still watching {ws.answer(puzzle).name} of {_label(puzzle)}; save again to re-check, "
                              f"Ctrl-C stops.")
            if max_checks and checks >= max_checks:
                return
            time.sleep(interval)
        out.print("[bold]Every puzzle passed. Well done![/bold]")
    except KeyboardInterrupt:
        out.print("Stopped watching.")


def reset(
    number: Annotated[str, typer.Argument(help="Puzzle number (or name).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
    folder: Dir = None,
):
    """Start one puzzle afresh: the stub comes back as answer.py (your old file is kept as answer.py.bak).

    Example: [bold]cubenet puzzles reset 3[/bold]
    """
    from cubenet.workshop.puzzles import find_puzzle, forget, reset_answer, save_progress

    ws, puzzles, progress = _load(folder)
    p = find_puzzle(number, puzzles)
    question = f"Replace {ws.answer(p)} with the fresh stub (your file is kept as answer.py.bak)?"
    if not yes and not typer.confirm(question):
        console().print("Nothing changed.")
        raise typer.Exit(1)
    backup = reset_answer(ws, p)
    save_progress(ws, forget(progress, p))
    console().print(f"{_label(p)} starts afresh." + (f" Your old file: {backup}" if backup else ""))


def status(
    verify: Annotated[bool, typer.Option("--verify", help="Re-run the check of every recorded pass and list those "
                                         "that do not pass now (exit 1 if any).")] = False,
    folder: Dir = None,
):
    """How far you are: puzzles passed, the current one, hints used, golf scores.

    progress.json is a plain file on the learner's machine; [bold]--verify[/bold] re-checks every recorded pass
    (and golf score), so a hand-edited or stale pass shows up.

    Example: [bold]cubenet puzzles status[/bold]   or   [bold]cubenet puzzles status --verify[/bold]
    """
    from cubenet.workshop.puzzles import current_puzzle, entry, is_passed

    ws, puzzles, progress = _load(folder)
    done = [p for p in puzzles if is_passed(progress, p)]
    out = console()
    width = 30
    filled = round(width * len(done) / len(puzzles))
    bar = "#" * filled + "." * (width - filled)
    out.print(f"{len(done)} of {len(puzzles)} puzzles passed  [{bar}]  ({sum(p.minutes for p in done)} of "
              f"{sum(p.minutes for p in puzzles)} minutes of material)", markup=False, style="bold")
    now = current_puzzle(progress, puzzles)
    out.print(f"Next: {_label(now)}  →  cubenet puzzles show {now.number}" if now else "Every puzzle passed!")
    hints = sum(entry(progress, p)["hints_shown"] for p in puzzles)
    checks = sum(entry(progress, p)["checks"] for p in puzzles)
    out.print(f"Checks run: {checks}; hints used: {hints}")
    stuck = [p for p in puzzles if entry(progress, p)["status"] == "tried"]
    if stuck:
        out.print("Tried, not passed yet:")
        for p in stuck:
            e = entry(progress, p)
            out.print(f"  ✗ {_label(p)}: {e['checks']} check{'s' if e['checks'] != 1 else ''}, "
                      f"{e['hints_shown']} hint{'s' if e['hints_shown'] != 1 else ''}")
    for p in puzzles:
        e = entry(progress, p)
        if e["best_score"] is not None:
            out.print(f"{_label(p)}{_best(e['best_score'], p.par)}")
    peeked = [f"{p.number:02d}" for p in puzzles if entry(progress, p)["peeked"]]
    if peeked:
        out.print(f"Solutions peeked at before passing: {', '.join(peeked)}")
    if verify:
        _verify(ws, puzzles, progress)


def _verify(ws, puzzles, progress) -> None:
    """Re-run every recorded pass; list those whose answer does not pass now; exit 1 if any."""
    from cubenet.workshop.checker import check_answer
    from cubenet.workshop.puzzles import entry, is_passed

    out = console()
    recorded = [p for p in puzzles if is_passed(progress, p)]
    bad = []
    for p in recorded:
        answer = ws.answer(p)
        if not answer.is_file():
            bad.append((p, "its answer.py is missing"))
            continue
        result = check_answer(p, answer)
        best = entry(progress, p)["best_score"]
        if not result.passed:
            bad.append((p, f"{VERDICTS.get(result.status, result.status)}: {result.message.splitlines()[0]}"))
        elif best is not None and result.score is not None and result.score > best:
            bad.append((p, f"the recorded best of {best} parameters does not match: the answer has {result.score}"))
    out.print(f"Verified {len(recorded)} recorded pass{'es' if len(recorded) != 1 else ''}: "
              f"{len(recorded) - len(bad)} still pass.", style="bold", markup=False)
    for p, why in bad:
        out.print(_indented(f"✗ {_label(p)}: recorded as passed, but {why}"))
    if bad:
        raise typer.Exit(1)


def solution(
    number: Annotated[str, typer.Argument(help="Puzzle number (or name).")],
    force: Annotated[bool, typer.Option("--force", help="Show it even though you have not passed yet.")] = False,
    folder: Dir = None,
):
    """Show the reference solution of a puzzle you have passed (or, with --force, one you have not).

    Example: [bold]cubenet puzzles solution 3[/bold]
    """
    from cubenet.errors import CubenetError
    from cubenet.workshop.puzzles import find_puzzle, is_passed, mark_peeked, save_progress

    ws, puzzles, progress = _load(folder)
    p = find_puzzle(number, puzzles)
    if not is_passed(progress, p):
        if not force:
            raise CubenetError(f"puzzle {p.number} is not passed yet; solve it first ('cubenet puzzles check "
                               f"{p.number}', 'cubenet puzzles hint {p.number}'), or peek with --force")
        console(stderr=True).print(f"[bold yellow]Warning:[/bold yellow] peeking at the solution of {_label(p)} "
                                   f"before passing it; this is noted in your progress.")
        save_progress(ws, mark_peeked(progress, p))
    console().print(f"[bold]Reference solution of {_label(p)}[/bold] (yours may differ and be just as right):")
    typer.echo(p.solution.read_text(encoding="utf-8"))


def register(app: typer.Typer) -> None:
    """Add the ``puzzles`` command group to the main app."""
    for func, name in ((init, "init"), (list_, "list"), (show, "show"), (check, "check"), (hint, "hint"),
                       (watch, "watch"), (reset, "reset"), (status, "status"), (solution, "solution")):
        command(puzzles_app, func, name=name)
    app.add_typer(puzzles_app, name="puzzles")
