"""Translation coverage per language and section: the matrix, its history, its text forms."""
