"""The HTTP edge: the FastAPI app, its dependencies, guards and one router per resource."""
