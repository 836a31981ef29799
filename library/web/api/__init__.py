"""JSON API routes, one module per domain, mounted under /api/v1 by `library.web.app`."""

API_PREFIX = "/api/v1"
