"""The HTTP side: the Litestar app, its API routes and (later) its reader pages."""
