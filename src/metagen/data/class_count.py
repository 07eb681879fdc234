"""The one rule every classification reader shares: the data must hold two classes at least."""


def require_two_classes(class_names: list[str], where: str, fix: str) -> None:
    """A ValueError when `where` (the folder, column or field the classes came from) holds
    fewer than two: a one-class model learns nothing and scores a perfect accuracy."""
    if len(class_names) >= 2:
        return
    found = ", ".join(repr(name) for name in class_names) or "none"
    raise ValueError(
        f"{where}: {len(class_names)} class found ({found}); a classifier needs at least two. {fix}"
    )
