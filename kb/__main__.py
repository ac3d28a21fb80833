"""`python -m kb`: the same command as the `kb` script, for a virtual environment whose
scripts folder is not on PATH."""

from kb.cli import cli

if __name__ == "__main__":
    cli(prog_name="kb")
