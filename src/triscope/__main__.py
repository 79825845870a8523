"""``python -m triscope``: the same as the ``triscope`` command."""
from triscope.cli import main

if __name__ == "__main__":
    main()
