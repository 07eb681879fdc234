"""The MetaGen spec language v1.0: schema, units, YAML loading with positions, warnings.

Importing this package never imports torch, so `metagen validate` stays fast.
"""

from metagen.spec.errors import SpecError, SpecWarning
from metagen.spec.loader import load_spec, parse_spec_text
from metagen.spec.schema import Spec

__all__ = ["Spec", "SpecError", "SpecWarning", "load_spec", "parse_spec_text"]
