"""The workflow's accounts and tokens, for the routes that serve the memory."""

from tests.workflow.conftest import cheap_argon2, principals, registry, staff  # noqa: F401
