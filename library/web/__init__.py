"""The HTTP side: the Litestar app (`app.create_app`), its API routes (`api/`) and its pages (`pages/`)."""
