"""evaluate/code_checks.py on code whose truth is known: the generator's own references pass
every check, a change the picture would show (a colour, a bar, a comparison) fails the check
that reads it, broken code fails to parse, run or compile, and hostile code gains nothing."""

from __future__ import annotations

import importlib.util
import random

import pytest

from metagen.datagen.image_to_code.charts import random_chart
from metagen.datagen.image_to_code.pairs import CHECK_INPUTS, flowchart_sample
from metagen.datagen.image_to_code.ui import random_page
from metagen.evaluate.code_checks import chart_check, function_check, html_check, html_components

needs_matplotlib = pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None,
                                      reason="charts need matplotlib")  # fmt: skip


def test_html_structure_is_compared_component_by_component() -> None:
    reference = random_page(random.Random(0), ["button", "input", "card"], ["blue", "red", "teal"])
    assert [c[0] for c in html_components(reference)] == ["button", "input", "div"]
    assert html_check(reference, reference) == {"parses": True, "components_matched": 1.0}
    recoloured = reference.replace("#2563eb", "#16a34a", 1)  # the button turns green
    assert html_check(recoloured, reference)["components_matched"] == pytest.approx(2 / 3)
    dropped = reference.replace(reference.splitlines()[3] + "\n", "")  # the card is gone
    assert html_check(dropped, reference)["components_matched"] == pytest.approx(2 / 3)
    for broken in ("hello", "", "<span>no page</span>", "<div style='padding:1px'></div>"):
        assert html_check(broken, reference) == {"parses": False, "components_matched": 0.0}


@needs_matplotlib
def test_a_chart_script_is_run_and_its_figure_read() -> None:
    for template in ("bar", "line"):
        script, facts = random_chart(random.Random(1), template, "red")
        assert chart_check(script, facts) == {"runs": True, "values_match": True,
                                              "labels_match": True}  # fmt: skip
        wrong = {**facts, "values": [v + 1 for v in facts["values"]]}
        assert chart_check(script, wrong)["values_match"] is False
        retitled = script.replace(repr(facts["title"]), "'Other'")
        assert chart_check(retitled, facts)["labels_match"] is False
    assert chart_check("import matplotlib.pyplot as plt\nplt.bar(", facts)["runs"] is False


def test_a_function_is_compiled_and_run_on_the_reference_inputs() -> None:
    sample = flowchart_sample(random.Random(2), "train")
    code, checks = sample["code"], sample["checks"]
    assert [x for x, _ in checks] == list(CHECK_INPUTS)
    assert function_check(code, checks) == {"compiles": True, "checks_passed": 1.0}
    constant = "def f(x):\n    return 0\n"
    expected = sum(want == 0 for _, want in checks) / len(checks)
    assert function_check(constant, checks)["checks_passed"] == pytest.approx(expected)
    assert function_check("def f(x) return 1", checks) == {"compiles": False,
                                                           "checks_passed": 0.0}  # fmt: skip
    assert function_check("def f(x):\n    while True:\n        pass\n", checks, timeout=2.0) == {
        "compiles": True, "checks_passed": 0.0}  # fmt: skip


def test_hostile_code_gains_nothing(tmp_path) -> None:
    target = tmp_path / "owned.txt"
    evil = f"def f(x):\n    open({str(target)!r}, 'w').write('x')\n    return 1\n"
    assert function_check(evil, [[1, 1], [2, 1]])["checks_passed"] == 0.0
    assert not target.exists()
