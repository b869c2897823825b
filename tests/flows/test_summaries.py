"""The run summary: counts, the --json line, and the markdown/table renderings agree."""

from __future__ import annotations

import json

from nianbao.flows.summaries import FAILED, FOUND, WITHDRAWN, AgencyOutcome, merge, render_markdown, render_table


def summary():
    return merge(
        "harvest",
        [2022, 2023, 2024],
        [
            AgencyOutcome(
                "zj-hz",
                expected=3,
                found=2,
                new=1,
                changed=1,
                withdrawn=1,
                raw_objects_written=4,
                check_failures=2,
                coverage={2022: FOUND, 2023: WITHDRAWN, 2024: FOUND},
            ),
            AgencyOutcome(
                "gd-sthjt",
                expected=3,
                found=1,
                unchanged=1,
                failed=1,
                coverage={2022: FOUND, 2024: FAILED},
                failures=("2024: http://127.0.0.1/report.pdf is not a readable PDF",),
            ),
        ],
    )


def test_json_line_has_the_documented_keys_and_totals():
    counts = json.loads(summary().json_line())
    assert counts == {
        "reports_found": 3,
        "reports_new": 1,
        "reports_changed": 1,
        "reports_unchanged": 1,
        "reports_withdrawn": 1,
        "versions_created": 2,
        "raw_objects_written": 4,
        "failures": 1,
    }


def test_markdown_lists_agencies_sorted_with_failures_and_coverage():
    text = render_markdown(summary())
    assert text.index("| gd-sthjt |") < text.index("| zj-hz |")
    assert "| zj-hz | 3 | 2 | 1 | 1 | 0 | 1 | 0 | 2 |" in text
    assert "- `gd-sthjt`: 2024: http://127.0.0.1/report.pdf is not a readable PDF" in text
    assert "| gd-sthjt | ✓ | · | ✗ |" in text
    assert "| zj-hz | ✓ | w | ✓ |" in text


def test_table_has_one_line_per_agency_a_total_and_the_failures():
    lines = render_table(summary()).splitlines()
    assert lines[0] == "harvest: 2 agencies, report years 2022–2024"
    assert lines[2].split() == ["gd-sthjt", "3", "1", "0", "0", "1", "0", "1", "0", "✓·✗"]
    assert lines[4].split() == ["total", "6", "3", "1", "1", "1", "1", "1", "2"]
    assert "failed gd-sthjt: 2024: http://127.0.0.1/report.pdf is not a readable PDF" in lines
