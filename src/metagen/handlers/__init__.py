"""Handlers: modality handlers choose components, task handlers add head, loss and metrics."""
