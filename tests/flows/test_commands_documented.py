"""Every `nianbao` command explains itself: --help with an example, and a line in README's Commands."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nianbao.flows.cli import COMMAND_MODULES, build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def subcommand_parsers(parser: argparse.ArgumentParser | None = None) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in (parser or build_parser())._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def leaf_commands() -> dict[str, argparse.ArgumentParser]:
    """Every runnable command: `harvest`, and `sim serve` for a command with subcommands of its own."""
    leaves = {}
    for name, parser in subcommand_parsers().items():
        nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            leaves |= {f"{name} {sub}": p for sub, p in subcommand_parsers(parser).items()}
        else:
            leaves[name] = parser
    return leaves


def readme_commands() -> set[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^- `nianbao ([a-z-]+)", section, flags=re.MULTILINE))


def test_every_command_module_registers_its_command():
    assert set(subcommand_parsers()) == set(COMMAND_MODULES)


@pytest.mark.parametrize("name", sorted(leaf_commands()))
def test_help_has_a_description_and_an_example(name: str):
    parser = leaf_commands()[name]
    text = parser.format_help()
    assert parser.description, f"`nianbao {name}` has no description"
    example = re.search(r"^examples?:\n((?:  .+\n?)+)", text, flags=re.MULTILINE)
    assert example, f"`nianbao {name} --help` shows no examples: section"
    assert f"nianbao {name}" in example.group(1), f"`nianbao {name}`'s example does not run the command"


def test_every_command_is_in_the_readme_commands_list():
    undocumented = set(COMMAND_MODULES) - readme_commands()
    assert not undocumented, f"README.md's Commands list lacks: {', '.join(sorted(undocumented))}"


def test_readme_lists_no_command_that_does_not_exist():
    assert readme_commands() <= set(COMMAND_MODULES)


def test_building_the_command_line_does_not_import_prefect():
    """Commands that need no orchestration (parse, export, sim) must not pay Prefect's import."""
    code = "import sys; from nianbao.flows.cli import build_parser; build_parser(); print('prefect' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=README.parent, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_repeated_year_flags_add_up_instead_of_keeping_the_last():
    args = build_parser().parse_args(["harvest", "--registry", "r.yaml", "--year", "2023", "--year", "2021-2022"])
    assert args.year == [2021, 2022, 2023]


def test_recrawl_help_states_the_default_the_flow_uses():
    from nianbao.flows.selection import FIRST_REPORT_YEAR

    text = " ".join(subcommand_parsers()["recrawl"].format_help().split())
    assert f"default: every year since {FIRST_REPORT_YEAR}" in text and "last year" not in text
