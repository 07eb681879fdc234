"""Reports built only from measured runs: model card, limitations."""
