"""evaluate/code_checks.py on code whose truth is known: the generator's own references pass
every check, a change the picture would show (a colour, a bar, a comparison) fails the check
that reads it, broken code fails to parse, run or compile, and hostile code gains nothing."""

from __future__ import annotations

import importlib.util
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metagen.datagen.image_to_code.charts import random_chart
from metagen.datagen.image_to_code.pairs import CHECK_INPUTS, flowchart_sample
from metagen.datagen.image_to_code.ui import random_page
from metagen.evaluate.code_checks import chart_check, function_check, html_check, html_components

needs_matplotlib = pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None,
                                      reason="charts need matplotlib")  # fmt: skip


def test_html_structure_is_compared_component_by_component() -> None:
    reference = random_page(random.Random(0), ["button", "input", "card"], ["blue", "red", "teal"])
    assert [c[0] for c in html_components(reference)] == ["button", "input", "div"]
    assert html_check(reference, reference) == {"parses": True, "components_matched": 1.0,
                                                 "attributes_matched": 1.0}  # fmt: skip
    recoloured = reference.replace("#2563eb", "#16a34a", 1)  # the button turns green
    assert html_check(recoloured, reference)["components_matched"] == pytest.approx(2 / 3)
    # 13 attributes: the page's background, and type, fill, text colour and text of three
    assert html_check(recoloured, reference)["attributes_matched"] == pytest.approx(12 / 13)
    dropped = reference.replace(reference.splitlines()[3] + "\n", "")  # the card is gone
    assert html_check(dropped, reference)["components_matched"] == pytest.approx(2 / 3)
    assert html_check(dropped, reference)["attributes_matched"] == pytest.approx(9 / 13)
    blank_border = '<div style="background:#fff">\n  <input style="border: ">\n</div>'
    assert html_check(blank_border, reference)["parses"] is True  # a model wrote this
    for broken in ("hello", "", "<span>no page</span>", "<div style='padding:1px'></div>"):
        assert html_check(broken, reference) == {"parses": False, "components_matched": 0.0,
                                                 "attributes_matched": 0.0}  # fmt: skip


@pytest.mark.slow  # 19 s of sandboxed matplotlib runs; test_sandbox.py draws one by default
@needs_matplotlib
def test_a_chart_script_is_run_and_its_figure_read() -> None:
    for template in ("bar", "line"):
        script, facts = random_chart(random.Random(1), template, "red")
        assert chart_check(script, facts) == {"runs": True, "values_match": True,
                                              "labels_match": True,
                                              "attributes_matched": 1.0}  # fmt: skip
        shown = 2 * len(facts["values"]) + 2  # values, labels, the title and the colour
        wrong = {**facts, "values": [v + 1 for v in facts["values"]]}
        assert chart_check(script, wrong)["values_match"] is False
        assert chart_check(script, wrong)["attributes_matched"] == pytest.approx(
            1 - len(facts["values"]) / shown
        )
        retitled = script.replace(repr(facts["title"]), "'Other'")
        assert chart_check(retitled, facts)["labels_match"] is False
        recoloured = script.replace(facts["hex"], "#000000")
        assert chart_check(recoloured, facts)["attributes_matched"] == pytest.approx(1 - 1 / shown)
    assert chart_check("import matplotlib.pyplot as plt\nplt.bar(", facts)["runs"] is False
    assert chart_check("", facts)["runs"] is False  # it runs, and draws nothing


def test_a_function_is_compiled_and_run_on_the_reference_inputs() -> None:
    sample = flowchart_sample(random.Random(2), "train")
    code, checks = sample["code"], sample["checks"]
    assert [x for x, _ in checks] == list(CHECK_INPUTS)
    assert function_check(code, checks) == {"compiles": True, "checks_passed": 1.0,
                                            "attributes_matched": 1.0}  # fmt: skip
    constant = "def f(x):\n    return 0\n"
    expected = sum(want == 0 for _, want in checks) / len(checks)
    assert function_check(constant, checks)["checks_passed"] == pytest.approx(expected)
    assert function_check("def f(x) return 1", checks) == {"compiles": False,
                                                           "checks_passed": 0.0,
                                                           "attributes_matched": 0.0}  # fmt: skip
    for no_function in ("", "x = 1\n"):
        assert function_check(no_function, checks)["compiles"] is False
    hangs = "def f(x):\n    while True:\n        pass\n"
    assert function_check(hangs, checks, timeout=2.0)["checks_passed"] == 0.0


def test_hostile_code_gains_nothing(tmp_path) -> None:
    target = tmp_path / "owned.txt"
    evil = f"def f(x):\n    open({str(target)!r}, 'w').write('x')\n    return 1\n"
    assert function_check(evil, [[1, 1], [2, 1]])["checks_passed"] == 0.0
    assert not target.exists()


_PAGE = random_page(random.Random(3), ["input", "card", "button"], ["red", "blue", "teal"])


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(0, len(_PAGE) - 1), max_size=12), noise=st.text(max_size=20))
def test_html_check_scores_any_damaged_page(cuts, noise) -> None:
    """A model writes pages with pieces missing: the check scores them, and never raises."""
    damaged = "".join(c for i, c in enumerate(_PAGE) if i not in set(cuts)) + noise
    result = html_check(damaged, _PAGE)
    assert 0.0 <= result["attributes_matched"] <= 1.0
    assert result["parses"] or result["attributes_matched"] == 0.0
