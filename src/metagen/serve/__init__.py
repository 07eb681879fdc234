"""`metagen serve`: a trained run's own infer.py behind a small FastAPI app. The model is
loaded once (served_run), concurrent requests are predicted together (batching), uploads are
checked before they reach the model (uploads), and a page at `/` lets a person try it (page)."""
