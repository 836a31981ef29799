"""The translators' and editors' side: accounts and roles, the queue, review states, CAT-tool exchange."""
