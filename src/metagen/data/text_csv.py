"""Read a user's CSV of labelled texts for text classification: a header row naming a text
column and a label column (`text` and `label` unless the data config's `text_column` and
`label_column` name others), then one row per text; other columns are ignored. A text with
commas, quotes or line breaks is quoted as the csv module writes it:

    text,label
    "A fine film, well acted.",positive
    Dull and far too long.,negative

A malformed file is a ValueError that names the file, the line, what is wrong and the fix."""

import csv
import io
from pathlib import Path

TEXT_COLUMN = "text"
LABEL_COLUMN = "label"
CSV_EXAMPLE = 'text,label then rows such as "A fine film, well acted.",positive'


def text_csv_error(path, line: int | None, problem: str, fix: str) -> ValueError:
    where = f"{path}:{line}" if line is not None else str(path)
    return ValueError(f"{where}: {problem}. {fix}. A text-classification CSV is {CSV_EXAMPLE}.")


def _column(path, header: list[str], name: str, key: str) -> int:
    if name not in header:
        raise text_csv_error(
            path,
            1,
            f"the header has no {name!r} column (columns: {', '.join(header) or 'none'})",
            f"Name the column {name!r} in the header row, or name the column that holds it in "
            f"the spec's data.{key.removesuffix('_column')} ({key} in config.json's data)",
        )
    return header.index(name)


def read_text_csv(
    path, text_column: str = TEXT_COLUMN, label_column: str = LABEL_COLUMN
) -> list[tuple[str, str]]:
    """(text, label) per data row, labels as written (class names or integers)."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise text_csv_error(
            path, None, f"the file is not UTF-8 text ({error.reason})", "Re-save it as UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            raise text_csv_error(
                path, None, "the file is empty", "Write a header row, then a row per text"
            )
        at_text = _column(path, header, text_column, "text_column")
        at_label = _column(path, header, label_column, "label_column")
        records, line = [], reader.line_num + 1  # the line the next row starts on
        for row in reader:
            if any(cell.strip() for cell in row):
                records.append(_record(path, line, row, header, at_text, at_label))
            line = reader.line_num + 1
    except csv.Error as error:
        raise text_csv_error(
            path,
            reader.line_num,
            f"the csv module cannot read the row ({error})",
            "Quote a text that holds commas, quotes or line breaks, doubling its quotes",
        ) from None
    if len(records) < 2:
        raise text_csv_error(
            path,
            None,
            f"the file has {len(records)} data row(s)",
            "Training needs at least two labelled texts",
        )
    return records


def _record(
    path, line: int, row: list[str], header: list[str], at_text: int, at_label: int
) -> tuple[str, str]:
    if len(row) < len(header) and any("\n" in cell for cell in row):
        raise text_csv_error(
            path,
            line,
            "a quote opened on this line never closes where its value should end, so the "
            "rest of the file reads as one value",
            'Close the quote, and double any quote inside a quoted text ("")',
        )
    if len(row) != len(header):
        raise text_csv_error(
            path,
            line,
            f"the row has {len(row)} values for the header's {len(header)} columns",
            "Quote a text that holds commas, or give every row one value per column",
        )
    text, label = row[at_text], row[at_label].strip()
    if not text.strip():
        raise text_csv_error(
            path, line, f"the {header[at_text]!r} value is empty", "Give every row a text"
        )
    if not label:
        raise text_csv_error(
            path,
            line,
            f"the {header[at_label]!r} value is empty",
            "Give every row its class (a name or an integer), or leave the row out",
        )
    return text, label
