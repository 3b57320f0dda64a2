"""``python -m cnncount``."""

from .cli import main

main()
