"""The ``triscope`` command (and ``python -m triscope``): stage 1 of a run
(getting the preload library in, launcher.py, before anything heavy is
imported), then one subcommand module, and the one place that turns a
TriscopeError into its line on stderr and its exit status.

Bad input never produces a traceback from triscope: one line on stderr and
exit status 2 (usage) or 1 (the program itself could not start).

    triscope [options] prog.py | -m module   command_run (and, with
    triscope --on/--off --pid N              --pid, command_control)
    triscope view PROFILE.json               command_view
    triscope merge A.json B.json ...         command_merge

A subcommand is the first word; a script named like one is run as ./view.
"""
import sys

from triscope.errors import TriscopeError

SUBCOMMANDS = ("view", "merge")  # first words that name a subcommand, not a script


def _command(word):
    """The module of the command named by the first word of argv."""
    if word == "view":
        from triscope import command_view

        return command_view
    if word == "merge":
        from triscope import command_merge

        return command_merge
    from triscope import command_run

    return command_run


def main(argv=None):
    """Runs the command with argv (default sys.argv[1:]); returns None (the
    console script exits with what it returns) or exits."""
    argv = sys.argv[1:] if argv is None else argv
    from triscope import launcher

    subcommand = argv[0] if argv[:1] and argv[0] in SUBCOMMANDS else None
    if launcher.in_stage_two():
        launcher.restore_environment()
    elif subcommand is None and sys.platform == "linux" and launcher.wants_preload(argv):
        if launcher.attach_in_process() is not None:
            # Re-execute under LD_PRELOAD instead; returns only on failure,
            # and then the profile says "memory": false.
            launcher.reexec_with_preload(argv)
    command = _command(subcommand)
    try:
        command.main(argv[1:] if subcommand else argv)
    except TriscopeError as e:
        print(f"{command.PROG}: error: {e.message}", file=sys.stderr)
        sys.exit(e.status)
