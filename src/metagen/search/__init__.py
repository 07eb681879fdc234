"""Vector search over what a trained model embeds: `metagen index` and `metagen search`
(FAISS, MetaGen's `search` extra). Library only: generated packages never need it."""
