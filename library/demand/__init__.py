"""Reader demand: what readers asked for and did not get in their language (the translators' signal)."""
