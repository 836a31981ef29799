"""Content: sections, articles stored once, one variant per language, and every revision kept."""
