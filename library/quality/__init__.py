"""Language quality of content: the term base, the content checks and their findings.

The content checks react to every save through the content events: `library.bootstrap` lists
`library.quality.findings.on_save` among the `saved` reactions (content does not import quality).
"""
