"""The page at `/`: pick an image, audio or text (whichever the run takes), send it to
/predict and see the prediction. Self-contained: no external scripts, styles or fonts."""

from __future__ import annotations

from html import escape
from string import Template

from metagen.serve.uploads import KINDS, TEXT_SUFFIX

PAGE = Template("""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$name · metagen serve</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto;
         padding: 0 1rem; color: #1d232a; }
  h1 { font-size: 1.5rem; margin-bottom: 0; }
  .task { color: #56606b; margin-top: 0.2rem; }
  form { display: grid; gap: 0.8rem; padding: 1rem; border: 1px solid #ccd3da;
         border-radius: 8px; background: #f6f8fa; }
  textarea { width: 100%; min-height: 6rem; font: inherit; box-sizing: border-box; }
  button { justify-self: start; font: inherit; padding: 0.4rem 1.4rem; border: 0;
           border-radius: 6px; background: #1f6feb; color: white; cursor: pointer; }
  #preview { width: 8rem; image-rendering: pixelated; display: none; }
  #result { margin-top: 1rem; }
  #result.error { color: #b3261e; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #e3e7eb;
           vertical-align: top; }
  .bar { display: inline-block; height: 0.7rem; background: #1f6feb; margin-right: 0.5rem; }
  .label { font-size: 1.4rem; font-weight: 600; }
</style>
</head>
<body>
<h1>$name</h1>
<p class="task">$task · takes $takes</p>
<form id="predict">
$fields
<img id="preview" alt="the picture sent">
<button id="send" type="submit">Predict</button>
</form>
<div id="result" aria-live="polite"></div>
<script>
const form = document.getElementById("predict");
const fileInput = document.getElementById("file");
const textInput = document.getElementById("text");
const result = document.getElementById("result");
const preview = document.getElementById("preview");

if (fileInput) fileInput.addEventListener("change", () => {
  const file = fileInput.files[0];
  preview.style.display = file && file.type.startsWith("image/") ? "block" : "none";
  if (file && file.type.startsWith("image/")) preview.src = URL.createObjectURL(file);
});

function cell(value) {
  const td = document.createElement("td");
  if (typeof value === "string" && value.startsWith("/files/")) {
    const tag = /\\.(png|jpe?g|gif|webp|bmp)$$/i.test(value) ? "img"
      : /\\.(wav|flac|ogg|mp3)$$/i.test(value) ? "audio" : "a";
    const shown = document.createElement(tag);
    if (tag === "a") { shown.href = value; shown.textContent = value.split("/").pop(); }
    else { shown.src = value; if (tag === "audio") shown.controls = true; }
    td.append(shown);
  } else if (value && typeof value === "object" && !Array.isArray(value)
             && Object.values(value).every((v) => typeof v === "number")) {
    for (const [key, number] of Object.entries(value)) {  // e.g. the top classes' probabilities
      const line = document.createElement("div");
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = `$${Math.max(0, Math.min(1, number)) * 10}rem`;
      line.append(bar, `$${key} $${number}`);
      td.append(line);
    }
  } else {
    td.textContent = typeof value === "string" ? value : JSON.stringify(value);
  }
  return td;
}

function show(rows, batchSize) {
  result.className = "";
  result.replaceChildren();
  for (const row of rows) {  // a file of several inputs (a JSONL of prompts) has a row each
    const table = document.createElement("table");
    for (const [key, value] of Object.entries(row)) {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.textContent = key;
      const td = cell(value);
      if (key === "label") td.className = "label";
      tr.append(th, td);
      table.append(tr);
    }
    result.append(table);
  }
  const note = document.createElement("p");
  note.textContent = `predicted in a batch of $${batchSize}`;
  result.append(note);
  result.dataset.done = "yes";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  result.dataset.done = "";
  const file = fileInput && fileInput.files[0];
  let request;
  if (file) {
    const body = new FormData();
    body.append("file", file);
    request = { method: "POST", body };
  } else if (textInput && textInput.value.trim()) {
    request = { method: "POST", headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ text: textInput.value }) };
  } else {
    result.className = "error";
    result.textContent = "Pick an input first.";
    return;
  }
  result.className = "";
  result.textContent = "Predicting…";
  try {
    const response = await fetch("predict", request);
    const answer = await response.json();
    if (!response.ok) throw new Error(`$${response.status}: $${answer.detail}`);
    show(answer.predictions, answer.batch_sizes[0]);
  } catch (error) {
    result.className = "error";
    result.textContent = error.message;
    result.dataset.done = "error";
  }
});
</script>
</body>
</html>
""")


def upload_page(name: str, task: str, suffixes: tuple[str, ...]) -> str:
    """The page for a run named `name` of `task` that reads files with `suffixes`."""
    files = [s for s in suffixes if s != TEXT_SUFFIX]
    kinds = sorted({KINDS.get(s, "file") for s in files})
    fields = []
    if files:
        fields.append(f'<label>{escape(" or ".join(kinds).capitalize())} '
                      f'<input id="file" name="file" type="file" '
                      f'accept="{escape(",".join(files))}"></label>')  # fmt: skip
    if TEXT_SUFFIX in suffixes:
        fields.append('<label>Text <textarea id="text" name="text"></textarea></label>')
    return PAGE.substitute(name=escape(name), task=escape(task),
                           takes=escape(" ".join(suffixes)), fields="\n".join(fields))  # fmt: skip
