"""``python -m cnncount``, and the ``cnncount`` command's entry point.

This module imports nothing before it has given Ctrl-C its default meaning back:
pressed while the command starts (importing click and rich takes tens of
milliseconds), it would otherwise end in a KeyboardInterrupt traceback.  The
command is short-lived and holds nothing to clean up, so being stopped by the
signal, as ``cat`` or ``grep`` are, is what a shell user expects (status 130).
"""


def main() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    from .cli import main as run

    run()


if __name__ == "__main__":
    main()
