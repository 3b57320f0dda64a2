"""``python -m cnncount``, and the ``cnncount`` command's entry point.

This module imports nothing before it has given Ctrl-C its default meaning back:
pressed while the command starts (importing click and rich takes tens of
milliseconds), it would otherwise end in a KeyboardInterrupt traceback.  The
command is short-lived and holds nothing to clean up, so being stopped by the
signal, as ``cat`` or ``grep`` are, is what a shell user expects (status 130).
"""


def main() -> None:
    # The C module under ``signal``: ``signal`` itself builds enums of every signal
    # on import, a millisecond of start-up for the one call made here.
    import _signal  # type: ignore[import-not-found]

    _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
