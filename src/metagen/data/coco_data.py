"""User detection data in COCO format: an annotations JSON (images, annotations, categories)
and the image files, found beside the JSON or in an `images/` folder next to it. Every field
is checked up front; a malformed one is reported with its place in the file and what to do."""

import json
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from metagen.data.coco_masks import polygons_to_mask, resize_mask, rle_to_mask
from metagen.data.image_folder import load_image, verified_image_size
from metagen.data.pixels import normalize_pixels
from metagen.data.shape_scenes import pad_objects

COCO_IMAGE_DIRS = (".", "images")


class CocoFormatError(ValueError):
    """A COCO file that cannot be used, located to the entry at fault."""


def _fail(path: Path, where: str, problem: str, fix: str) -> CocoFormatError:
    return CocoFormatError(f"{path}: {where}: {problem}. {fix}")


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise CocoFormatError(
            f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}). A COCO "
            "annotation file is one JSON object with images, annotations and categories."
        ) from None
    except UnicodeDecodeError:
        raise CocoFormatError(
            f"{path}: not UTF-8 text; save the annotations as UTF-8 JSON."
        ) from None
    if not isinstance(data, dict):
        raise CocoFormatError(
            f"{path}: the top level is a {type(data).__name__}, not a JSON "
            "object with images, annotations and categories."
        )
    for key in ("images", "annotations", "categories"):
        if not isinstance(data.get(key), list):
            raise _fail(
                path,
                f"'{key}'",
                "is missing or not a list",
                "COCO files list images, annotations and categories at the top level",
            )
    return data


def _ids(path: Path, entries: list, section: str, required: dict) -> dict:
    """id -> entry for a section whose entries need the given fields (name -> type)."""
    by_id = {}
    for i, entry in enumerate(entries):
        where = f"{section}[{i}]"
        if not isinstance(entry, dict):
            raise _fail(path, where, f"is a {type(entry).__name__}", "each entry is an object")
        for name, kind in required.items():
            value = entry.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise _fail(
                    path,
                    where,
                    f"'{name}' is {value!r}",
                    f"give every entry of {section} a {kind.__name__} '{name}'",
                )
        if entry["id"] in by_id:
            raise _fail(path, where, f"repeats id {entry['id']}", "ids must be unique")
        by_id[entry["id"]] = entry
    return by_id


def _find_image(path: Path, where: str, name: str) -> tuple[Path, tuple[int, int]]:
    for folder in COCO_IMAGE_DIRS:
        candidate = path.parent / folder / name
        if candidate.is_file():
            try:
                size = verified_image_size(candidate)
            except Exception as err:
                raise _fail(
                    path,
                    where,
                    f"image {candidate} cannot be read ({type(err).__name__}: {err})",
                    "delete or replace the file",
                ) from None
            return candidate, size
    raise _fail(
        path,
        where,
        f"file_name '{name}' is not in {path.parent} or {path.parent / 'images'}",
        "put the images beside the JSON or in images/",
    )


def _check_segmentation(path: Path, where: str, seg) -> None:
    if isinstance(seg, dict):
        size, counts = seg.get("size"), seg.get("counts")
        if (
            not isinstance(size, list)
            or len(size) != 2
            or not all(isinstance(v, int) and v > 0 for v in size)
            or not isinstance(counts, list | str)
        ):
            raise _fail(
                path,
                where,
                "RLE segmentation needs 'size' [height, width] and "
                "'counts' (a list or a compressed string)",
                "fix or remove it",
            )
        try:
            rle_to_mask(seg)
        except ValueError as err:
            raise _fail(
                path, where, f"RLE segmentation is broken ({err})", "re-encode it"
            ) from None
        return
    if not isinstance(seg, list) or not seg:
        raise _fail(
            path,
            where,
            f"segmentation is {seg!r}",
            "give a list of polygons [[x0, y0, x1, y1, ...]] or an RLE object",
        )
    for polygon in seg:
        if (
            not isinstance(polygon, list)
            or len(polygon) < 6
            or len(polygon) % 2
            or not all(isinstance(v, int | float) for v in polygon)
        ):
            raise _fail(
                path,
                where,
                "a polygon is not a flat list of at least 3 x, y pairs",
                "write polygons as [x0, y0, x1, y1, x2, y2, ...]",
            )


def _object(path: Path, i: int, ann, images: dict, class_of: dict, masks: bool):
    where = (
        f"annotations[{i}] (id {ann.get('id')!r})" if isinstance(ann, dict) else f"annotations[{i}]"
    )
    if not isinstance(ann, dict):
        raise _fail(path, where, f"is a {type(ann).__name__}", "each annotation is an object")
    if ann.get("image_id") not in images:
        raise _fail(
            path,
            where,
            f"image_id {ann.get('image_id')!r} is not an id in images",
            "point it at a listed image",
        )
    if ann.get("category_id") not in class_of:
        raise _fail(
            path,
            where,
            f"category_id {ann.get('category_id')!r} is not an id in categories",
            "add the category or fix the id",
        )
    box = ann.get("bbox")
    if (
        not isinstance(box, list)
        or len(box) != 4
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in box)
        or box[2] <= 0
        or box[3] <= 0
    ):
        raise _fail(
            path,
            where,
            f"bbox is {box!r}",
            "give [x, y, width, height] in pixels with width and height above 0",
        )
    if "segmentation" in ann or masks:
        if "segmentation" not in ann:
            raise _fail(
                path,
                where,
                "has no segmentation",
                "instance segmentation needs a polygon or RLE mask for every object",
            )
        _check_segmentation(path, where, ann["segmentation"])
    return ann["image_id"], (class_of[ann["category_id"]], box, ann.get("segmentation"))


def read_coco(path, masks: bool) -> tuple[list[dict], list[str], list[int], int]:
    """(records, class names, their category ids, crowd annotations dropped), classes in the
    order of their ids. A record: {"path", "size" (w, h), "objects": [(class index,
    [x, y, w, h], segmentation)]}."""
    path = Path(path)
    data = _read_json(path)
    categories = _ids(path, data["categories"], "categories", {"id": int, "name": str})
    images = _ids(path, data["images"], "images", {"id": int, "file_name": str})
    if not categories or not images:
        raise _fail(path, "categories/images", "is empty", "list at least one of each")
    class_of = {cid: k for k, cid in enumerate(sorted(categories))}
    objects: dict[int, list] = {image_id: [] for image_id in images}
    crowd = 0
    for i, ann in enumerate(data["annotations"]):
        if isinstance(ann, dict) and ann.get("iscrowd", 0):
            crowd += 1  # crowd regions mark ignored areas in COCO; they are not objects
            continue
        image_id, obj = _object(path, i, ann, images, class_of, masks)
        objects[image_id].append(obj)
    records = []
    for i, (image_id, entry) in enumerate(images.items()):
        file, size = _find_image(path, f"images[{i}]", entry["file_name"])
        declared = (entry.get("width"), entry.get("height"))
        if None not in declared and tuple(declared) != size:
            raise _fail(
                path,
                f"images[{i}]",
                f"says {declared[0]}x{declared[1]} but {file.name} is {size[0]}x{size[1]}",
                "fix width and height",
            )
        records.append({"path": file, "size": size, "objects": objects[image_id]})
    names = [categories[cid]["name"] for cid in sorted(categories)]
    return records, names, sorted(categories), crowd


def _object_mask(seg, size: tuple[int, int], image_size: int) -> np.ndarray:
    width, height = size
    if isinstance(seg, dict):
        return resize_mask(rle_to_mask(seg), image_size)
    return polygons_to_mask(seg, image_size / width, image_size / height, image_size)


class CocoDetectionDataset(Dataset):
    """COCO records resized to image_size x image_size (stretched), boxes and masks with them."""

    def __init__(
        self,
        records: list[dict],
        image_size: int,
        channels: int,
        max_objects: int,
        with_masks: bool,
    ) -> None:
        self.records, self.image_size, self.channels = records, image_size, channels
        self.max_objects, self.with_masks = max_objects, with_masks

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int) -> dict:
        record = self.records[index]
        (width, height), n = record["size"], self.image_size
        pixels = load_image(record["path"], n, self.channels)
        image = torch.from_numpy(pixels).permute(2, 0, 1).float().div(255.0)  # (C, H, W)
        scale = np.array([n / width, n / height, n / width, n / height], np.float32)
        objects = record["objects"]
        boxes = (
            np.array([[x, y, x + w, y + h] for _, (x, y, w, h), _ in objects], np.float32).reshape(
                -1, 4
            )
            * scale
        )
        classes = np.array([c for c, _, _ in objects], np.int64)
        masks = None
        if self.with_masks:
            masks = np.array(
                [_object_mask(seg, record["size"], n) for _, _, seg in objects], bool
            ).reshape(-1, n, n)
        return {
            "images": normalize_pixels(image),
            **pad_objects(np.clip(boxes, 0, n), classes, masks, self.max_objects, n),
        }
