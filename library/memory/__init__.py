"""Translation memory (issue 18): every published translation, segment by segment, offered back to
translators as suggestions, and carried in and out as TMX files for their CAT tools."""
