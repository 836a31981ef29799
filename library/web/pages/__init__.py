"""The reader pages: the portal in three languages, rendered on the server with Jinja2."""
