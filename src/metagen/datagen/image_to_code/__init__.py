"""Image-to-code pairs (issue 14): pictures rendered from the code they are paired with, so
that a model that writes code from the picture can be checked by running or parsing the code.
ui.py writes and renders UI mockups as HTML/CSS, flowchart.py flowcharts of Python functions,
charts.py bar and line charts from matplotlib scripts, code_shots.py screenshots of Python
functions with a description; pairs.py writes a dataset of them."""
