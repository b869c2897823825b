"""`python -m nianbao …` is the `nianbao` command."""

from nianbao.flows.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
