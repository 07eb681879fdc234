"""Where a trained model looks: attention rollout (ViT, CLIP's image tower, the VLM's text to
image attention), Grad-CAM (conv classifiers) and CLIP's patch-to-text similarity, drawn as
heat maps over the pictures. Imports torch; the overlays need matplotlib."""
