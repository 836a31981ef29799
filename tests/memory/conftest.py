"""The workflow's accounts and tokens, for the routes that serve the memory."""

from tests.workflow.conftest import principals, registry, staff  # noqa: F401
